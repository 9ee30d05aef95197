/**
 * The cold-start reference: a handler with no dependencies, bundled with the same options as the
 * functions, so the ratio to it shows what our imports cost over Node loading any module at all.
 */
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 200,
  body: '{"hello":"world"}',
});
