import { Global, Module } from '@nestjs/common';
import { OUTBOUND_MESSAGES } from '#monay/shared';
import { AdminNotificationsController } from './admin-notifications.controller';
import { AfterPublishHandler } from './after-publish.handler';
import { CallbackTarget } from './channels/callback-target';
import { EmailChannel } from './channels/email.channel';
import { EmbeddedSmtpServer } from './channels/embedded-smtp-server';
import { FcmSandbox } from './channels/fcm-sandbox';
import { PushChannel } from './channels/push.channel';
import { Recipients } from './channels/recipients';
import { SandboxModes } from './channels/sandbox-modes';
import { SmsChannel } from './channels/sms.channel';
import { TwilioSandbox } from './channels/twilio-sandbox';
import { SendGridClient } from './channels/sendgrid-client';
import { SendGridSandbox } from './channels/sendgrid-sandbox';
import { SendGridWebhookController } from './channels/sendgrid-webhook.controller';
import { TwilioWebhookController } from './channels/twilio-webhook.controller';
import { DeliverNotificationProcessor } from './delivery/deliver-notification.processor';
import { DeliveriesRepository } from './delivery/deliveries.repository';
import { DeliveryDispatcher } from './delivery/delivery-dispatcher';
import { NotificationComposer } from './delivery/notification-composer';
import { TestNotifications } from './delivery/test-notifications';
import { DevicesController } from './devices/devices.controller';
import { DevicesRepository } from './devices/devices.repository';
import { BalanceMonitorEvaluator } from './monitors/balance-monitor-evaluator';
import { BalanceMonitorsController } from './monitors/balance-monitors.controller';
import { BalanceMonitorsRepository } from './monitors/balance-monitors.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { OutboundMessagesAdapter } from './channels/outbound-messages.adapter';
import { PreferencesController } from './preferences/preferences.controller';
import { PreferencesRepository } from './preferences/preferences.repository';
import { UnsubscribeController } from './preferences/unsubscribe.controller';
import { IdentityModule } from '#monay/identity';
import { WalletModule } from '#monay/wallet';

/**
 * Notifications (light context, flat as immich's server: services, repositories, controllers). Domain events
 * become notifications (the in-app inbox) and deliveries — email through SendGrid or SMTP, SMS and push through
 * vendor-shaped sandboxes — planned by the user's preferences and quiet hours, sent by jobs with retries and a
 * dead-letter queue. Balance monitors watch balances after every money movement. Global for one thing only: it binds
 * OUTBOUND_MESSAGES, the port account security sends its one-time codes through.
 */
@Global()
@Module({
  imports: [IdentityModule, WalletModule],
  // The fixed paths (preferences, devices, test, unsubscribe) before `notifications/:id`.
  controllers: [
    PreferencesController,
    UnsubscribeController,
    DevicesController,
    NotificationsController,
    BalanceMonitorsController,
    TwilioWebhookController,
    SendGridWebhookController,
    AdminNotificationsController,
  ],
  providers: [
    NotificationsRepository,
    NotificationsService,
    NotificationComposer,
    DeliveriesRepository,
    DeliveryDispatcher,
    DeliverNotificationProcessor,
    TestNotifications,
    PreferencesRepository,
    DevicesRepository,
    SandboxModes,
    Recipients,
    EmbeddedSmtpServer,
    SendGridSandbox,
    SendGridClient,
    EmailChannel,
    CallbackTarget,
    TwilioSandbox,
    SmsChannel,
    FcmSandbox,
    PushChannel,
    BalanceMonitorsRepository,
    BalanceMonitorEvaluator,
    AfterPublishHandler,
    { provide: OUTBOUND_MESSAGES, useClass: OutboundMessagesAdapter },
  ],
  exports: [NotificationsRepository, CallbackTarget, OUTBOUND_MESSAGES],
})
export class NotificationsModule {}
