import { App } from 'aws-cdk-lib';
import { buildVendorWebhooksApp } from './vendor-webhooks-app';

/** The CDK app entry (`cdk.json` runs it with tsx, offline). */
const app = new App();
buildVendorWebhooksApp(app);
app.synth();
