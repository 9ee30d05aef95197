/** Image fields only v1 has. Their presence on the first image marks a v1 body. */
const V1_MARKERS = ['sequenceNumber', 'input_image_hres_url', 'output_image_hres_url'] as const;

/** Tells v1 from v2 by shape; anything unrecognizable is held to v2, the current version. */
export const spyneVersionOf = (payload: unknown): 'v1' | 'v2' => {
  if (typeof payload !== 'object' || payload === null) return 'v2';
  const images = (payload as { image_data?: unknown }).image_data;
  const first: unknown = Array.isArray(images) ? images[0] : undefined;
  if (typeof first !== 'object' || first === null) return 'v2';
  return V1_MARKERS.some((key) => Object.hasOwn(first, key)) ? 'v1' : 'v2';
};
