/**
 * Page sizes of `GET /images?vendor=&collection=`: 25 records when `limit` is not given, at most
 * 100 (the contract's cap). A page also ends early where DynamoDB's 1 MB Query limit cuts it, so a
 * response stays far below Lambda's 6 MB even when records are large.
 */
export const DEFAULT_PAGE_LIMIT = 25;
/** The largest `limit` accepted; more is a 400. */
export const MAX_PAGE_LIMIT = 100;
