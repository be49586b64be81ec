export { NotificationsModule } from './notifications.module';
export * from './notification.events';
export { NOTIFICATION_KINDS, type NotificationKind } from './notification-templates';
export { CallbackTarget } from './channels/callback-target';
export { SANDBOX_NUMBERS } from './channels/twilio-sandbox';
export { twilioSignature } from './domain/twilio-signature';
export { smsSegments } from './domain/sms';
export { sandboxSigningKey, signSendgridEvents } from './domain/sendgrid-signature';
