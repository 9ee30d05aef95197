/**
 * The seven payload samples of SharinPix's webhook documentation ("SharinPix Webhook Payload"),
 * as JSON, placeholders and all: the docs write `<Image's original URL>` and the like where a URL,
 * an id or a user field goes. A receiver must accept every one of them; five used to be refused
 * with 400 for their placeholder URLs.
 */

const image = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  public_id: id,
  metadatas: {},
  width: 3786,
  height: 4733,
  rotation: 0,
  gps: null,
  size: 1526906,
  format: 'jpg',
  original_url: "<Image's original URL>",
  filename: 'NorthBuilding',
  created_at: '2020-08-12T08:18:57.549+02:00',
  taken_at: null,
  infos: { format: 'jpg' },
  page: 1,
  group_id: null,
  exifs: { DateTimeOriginal: null },
  processed: true,
  processing_error: null,
  album_id: '0WOB0000000YsjGOAS',
  thumbnails: {
    full: '<URL displaying image in full format>',
    large: '<URL displaying image in large format>',
    mini: '<URL displaying image in mini format>',
  },
  ...overrides,
});

const user = {
  public_id: "<User's public ID>",
  fullname: "<User's fullname>",
  email: "<User's email>",
  username: '<Username>',
  sfid: "<User's Salesforce ID>",
};

/** The URL fields every image sample carries as placeholders. */
export const PLACEHOLDER_URL_PATHS = [
  'original_url',
  'thumbnails.full',
  'thumbnails.large',
  'thumbnails.mini',
] as const;

/** Each sample: its event name, its body, and the image it is about. */
export const SHARINPIX_DOC_SAMPLES = [
  {
    event: 'new_image',
    imageId: 'f37e01b7-942c-4179-bfd0-0cccf4700328',
    body: image('f37e01b7-942c-4179-bfd0-0cccf4700328'),
  },
  {
    event: 'image_processed',
    imageId: '26e19efc-5bdf-4534-890e-df44e26975f8',
    body: image('26e19efc-5bdf-4534-890e-df44e26975f8', {
      metadatas: {
        sharinpix_mobile_app_url: '<Mobile app URL>',
        sharinpix_mobile_app_job_id: '<Mobile app job ID>',
        sharinpix_mobile_app_batch_id: '<Mobile app batch ID>',
        sharinpix_mobile_app_media_id: '<Mobile app media ID>',
        sharinpix_mobile_app_device_id: '<Mobile app device ID>',
      },
      width: 3024,
      height: 4032,
      gps: [-20.30993611111111, 57.486961111111114],
      size: 2771157,
      filename: '4C1D0F5B-4F40-40FB-9C23-0B56B3DAB8D7',
      created_at: '2021-11-12T13:23:15.327+01:00',
      taken_at: '2021-11-12T17:21:55.000+01:00',
      exifs: { DateTimeOriginal: '2021-11-12T16:21:55.000Z' },
      album_id: '<Album ID>',
      thumbnails: {
        full: '<Image full URL>',
        large: '<Image large URL>',
        mini: '<Image mini URL>',
      },
    }),
  },
  {
    event: 'new_tag_image',
    imageId: '8399c579-c037-451f-88ad-4d03e2aa02cd',
    body: {
      id: 'da40f34c-5e88-454c-bfe0-d69411261602',
      tag: {
        id: '09078003-4dd2-4ad8-ae8c-536aaa7017b3',
        name: 'Villa',
        label: '{"en":"Villa","fr":"Villa"}',
      },
      image: image('8399c579-c037-451f-88ad-4d03e2aa02cd', {
        width: 4288,
        height: 2848,
        size: 1412814,
        created_at: '2020-06-30T09:19:25.882+02:00',
        album_id: '001B000001KKHZeIAP',
      }),
      user,
    },
  },
  {
    event: 'delete_image',
    imageId: 'f37e01b7-942c-4179-bfd0-0cccf4700328',
    body: image('f37e01b7-942c-4179-bfd0-0cccf4700328'),
  },
  {
    event: 'delete_tag_image',
    imageId: '8399c579-c037-451f-88ad-4d03e2aa02cd',
    body: {
      id: '3f5d46b6-bdf0-4cd5-aa00-a7b4cb590857',
      tag: {
        id: '9c3ba3d4-9c45-414d-99ce-43dabf845ae7',
        name: 'main',
        label: '{"en":"main","fr":"main"}',
      },
      image: image('8399c579-c037-451f-88ad-4d03e2aa02cd', {
        width: 4288,
        height: 2848,
        size: 1412814,
        created_at: '2020-06-30T09:19:25.882+02:00',
        album_id: '001B000001KKHZeIAP',
      }),
      user,
    },
  },
  {
    event: 'upload_done',
    imageId: '59d6ec21-617a-438b-8913-b0d598f88850',
    body: {
      app_url: 'sharinpix://upload?token=<The SharinPix Token>',
      count: 1,
      platform: 'mobile',
      album_id: '0WOB0000000YsjGOAS',
      image_ids: '59d6ec21-617a-438b-8913-b0d598f88850',
    },
  },
  {
    event: 'new_einstein_prediction',
    imageId: '89919357-7324-4abe-8982-ca48fa2bd327',
    body: {
      einstein_model_id: '3c0a9f99-3f4a-4951-bc7a-6bdcd46cfd13',
      probability: [
        { probability: 0.99653995, label: 'car' },
        { probability: 0.0034591604, label: 'truck' },
        { probability: 9.0841826e-7, label: 'moto' },
      ],
      status: 'completed',
      image_id: '89919357-7324-4abe-8982-ca48fa2bd327',
      model_id: 'a042400000Ns4HdAAJ',
      type: 'image-classification',
      message: null,
    },
  },
] as const;

/**
 * A Webhooks V1 new_image body, in the shape SharinPix's own AWS Lambda receiver reads: the URL
 * and file name in `infos`, the album in `album.public_id`.
 */
export const webhooksV1Image = (id: string) => ({
  public_id: id,
  infos: {
    secure_url: `https://res.cloudinary.com/sharinpix/image/upload/${id}.jpg`,
    original_filename: 'NorthBuilding',
    format: 'jpg',
  },
  album: { public_id: '0WOB0000000YsjGOAS' },
  width: 3786,
  height: 4733,
});
