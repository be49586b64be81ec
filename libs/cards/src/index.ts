export { CardsModule } from './cards.module';
export * from './domain/events';
export * from './domain/card.errors';
export { DECLINE_CODES, luhnValid, type DeclineCode } from './domain/card';
export { signStandardWebhook, verifyStandardWebhook } from './domain/standard-webhooks';
