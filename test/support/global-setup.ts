/** Placeholder until the integration servers land; replaced by the DynamoDB Local + SQS setup. */
export default async function globalSetup(): Promise<void> {}
