import { deliveryResultOf } from '../../../scripts/lib/delivery-result';
import { ReplaySummary } from '../../../scripts/lib/replay-summary';

const TARGET = 'http://127.0.0.1:3000';
const answer = (statusCode: number, body: unknown) =>
  deliveryResultOf(statusCode, JSON.stringify(body));

describe('replay summary', () => {
  it('counts first answers as accepted or ignored and repeated eventIds as duplicates', () => {
    // Prepare
    const summary = new ReplaySummary();

    // Act
    summary.add(answer(200, { status: 'accepted', eventId: 'e-1' }));
    summary.add(answer(200, { status: 'accepted', eventId: 'e-1' }));
    summary.add(answer(200, { status: 'accepted', eventId: 'e-2' }));
    summary.add(answer(200, { status: 'ignored', eventId: 'e-3' }));
    summary.add(answer(200, { status: 'ignored', eventId: 'e-3' }));

    // Assess
    expect(summary.line(TARGET, { verbose: false })).toBe(
      `5 deliveries to ${TARGET}: 2 accepted, 2 duplicates, 1 ignored, 0 rejected`,
    );
    expect(summary.allTaken).toBe(true);
  });

  it('groups refusals by the error code, the bare status, or no answer', () => {
    // Prepare
    const summary = new ReplaySummary();

    // Act
    summary.add(answer(400, { error: 'invalid_payload', message: 'invalid body' }));
    summary.add(answer(401, { error: 'unauthorized' }));
    summary.add(answer(400, { error: 'invalid_payload', message: 'invalid body' }));
    summary.add(deliveryResultOf(502, '<html>bad gateway</html>'));
    summary.add('no_answer');

    // Assess
    expect(summary.line(TARGET, { verbose: false })).toBe(
      `5 deliveries to ${TARGET}: 0 accepted, 0 duplicates, 0 ignored, 5 rejected ` +
        '(1 HTTP 502, 2 invalid_payload, 1 no answer, 1 unauthorized)',
    );
    expect(summary.allTaken).toBe(false);
  });

  it('counts skipped files and points to --verbose only when they were not listed', () => {
    // Prepare
    const summary = new ReplaySummary();

    // Act
    summary.add(answer(200, { status: 'accepted', eventId: 'e-1' }));
    summary.skip();
    summary.skip();

    // Assess
    expect(summary.line(TARGET, { verbose: false })).toBe(
      `1 delivery to ${TARGET}: 1 accepted, 0 duplicates, 0 ignored, 0 rejected; 2 files skipped (--verbose lists them)`,
    );
    expect(summary.line(TARGET, { verbose: true })).toMatch(/; 2 files skipped$/);
  });
});
