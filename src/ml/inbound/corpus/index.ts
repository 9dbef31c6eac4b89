// The bilingual inbound-email corpus: generated emails with ground truth.
export { composeEmail, generateEmails, writeEmail, type EmailSpec, type GenerateOptions, type GeneratedEmail, type WriteRequest } from './generate.js';
export { isHeldOut, type TemplateSplit } from './frame.js';
