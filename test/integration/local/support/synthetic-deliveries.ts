import { deliveriesOf, envelopeOf } from '../../../../scripts/fixtures/build-fixtures';
import { envelopeMessage, type QueueMessage } from '../../../../shared/queue/event-queue';

/** A Spyne v2 SKU with one image, unique per `key`, so each is a distinct event and record. */
export const spyneSku = (key: string): Record<string, unknown> => ({
  project_id: 'e2e-project',
  sku_id: `sku-${key}`,
  sku_status: 'Done',
  image_data: [
    {
      image_id: `image-${key}`,
      image_name: `sku-${key}_Exterior_1`,
      image_category: 'Exterior',
      frame_no: '1',
      input_image: `https://media.example.com/raw/${key}.jpg`,
      output_image: `https://media.example.com/edited/${key}.png`,
      status: 'done',
    },
  ],
});

/** How Spyne would deliver that SKU with the dev secrets: path, headers and a signed body. */
export const spyneDelivery = (key: string, now: Date) => {
  const [delivery] = deliveriesOf({
    vendor: 'spyne',
    name: key,
    body: spyneSku(key),
    timeEpoch: now.getTime(),
  });
  if (!delivery) throw new Error('no delivery');
  return delivery;
};

/** The queue message ingest would have sent for that SKU (for seeding the DLQ). */
export const spyneEnvelopeMessage = (key: string, now: Date): QueueMessage => {
  const file = {
    vendor: 'spyne' as const,
    name: key,
    body: spyneSku(key),
    timeEpoch: now.getTime(),
  };
  const envelope = envelopeOf(file, spyneDelivery(key, now), `e2e-${key}`);
  if (!envelope) throw new Error('the synthetic SKU does not validate');
  return envelopeMessage(envelope);
};
