import { MailerModule } from '@nestjs-modules/mailer';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AlarmsModule } from '@idm/alarms';
import { AppConfig } from '@idm/core';
import { IngestionModule } from '@idm/ingestion';
import { ReportsModule } from '@idm/reports';
import { CriticalNotifier } from './critical-notifier.service';
import { DigestProcessor } from './digest.processor';
import { DigestService } from './digest.service';
import { MailOutbox } from './mail-outbox.service';
import { MailProcessor } from './mail.processor';
import { DIGEST_QUEUE, MAIL_QUEUE } from './notification-queues';
import { Delivery, DeliverySchema, Subscription, SubscriptionSchema } from './notification.schema';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [
    AlarmsModule,
    IngestionModule,
    ReportsModule,
    MongooseModule.forFeature([
      { name: Subscription.name, schema: SubscriptionSchema },
      { name: Delivery.name, schema: DeliverySchema },
    ]),
    BullModule.registerQueue({ name: DIGEST_QUEUE }, { name: MAIL_QUEUE }),
    MailerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        transport: {
          host: config.smtp.host,
          port: config.smtp.port,
          secure: config.smtp.secure,
          auth: config.smtp.user ? { user: config.smtp.user, pass: config.smtp.pass ?? '' } : undefined,
          // Fail fast while the SMTP server is away: the mail queue retries with backoff.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        },
        defaults: { from: config.smtp.from },
      }),
    }),
  ],
  controllers: [NotificationsController],
  providers: [NotificationsRepository, SubscriptionsService, MailOutbox, MailProcessor, DigestService, DigestProcessor, CriticalNotifier],
  exports: [MailOutbox],
})
export class NotificationsModule {}
