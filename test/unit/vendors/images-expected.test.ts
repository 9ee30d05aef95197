import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import type { Vendor } from '../../../shared/vendors/vendor';
import { bodyNames, loadBody } from '../../support/vendor-bodies';
import { eventNameOfBodyFile } from '../../../scripts/fixtures/build-fixtures';

/** What each vendor's events expect of their images, per stored body (SharinPix: by event name). */
const expectationOf = (vendor: Vendor, name: string): string => {
  const definition = VENDOR_DEFINITIONS[vendor];
  if (definition === undefined) throw new Error(`no definition for ${vendor}`);
  const eventType = vendor === 'sharinpix' ? eventNameOfBodyFile(name) : undefined;
  const read = definition.read({
    payload: loadBody(vendor, name),
    ...(eventType ? { eventType } : {}),
  });
  if (!read.ok) throw new Error(`${vendor}/${name} fails its schema`);
  return definition.imagesExpected(read.value);
};

describe('imagesExpected', () => {
  it('expects SharinPix images to exist after their announcement, and new before', () => {
    // Prepare
    const names = bodyNames('sharinpix');

    // Act
    const expectations = Object.fromEntries(
      names.map((name) => [name, expectationOf('sharinpix', name)]),
    );

    // Assess
    expect(expectations).toEqual({
      'delete_image--processed': 'existing',
      delete_image: 'existing',
      'delete_tag_image--other': 'existing',
      delete_tag_image: 'existing',
      'image_processed--no-gps': 'existing',
      image_processed: 'existing',
      'new_einstein_prediction--truck': 'existing',
      new_einstein_prediction: 'existing',
      'new_image--unprocessed': 'new',
      new_image: 'new',
      new_publication: 'new',
      'new_tag_image--second-tag': 'existing',
      new_tag_image: 'existing',
      'upload_done--mobile': 'new',
      'upload_done--web': 'new',
    });
  });

  it.each<Vendor>(['spyne', 'image-intelligence'])(
    'expects %s images to be new: its webhook is the first word about them',
    (vendor) => {
      // Prepare
      const names = bodyNames(vendor);

      // Act
      const expectations = new Set(names.map((name) => expectationOf(vendor, name)));

      // Assess
      expect(names.length).toBeGreaterThan(1);
      expect([...expectations]).toEqual(['new']);
    },
  );
});
