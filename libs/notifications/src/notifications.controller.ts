import { BadRequestException, Body, Controller, Delete, Get, Headers, HttpCode, NotFoundException, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { DeliveryDto, SendNotificationResponse, SubscriptionDto } from '@idm/contracts';
import { AuthUser, CurrentUser, IDEMPOTENCY_KEY_HEADER, idempotentId, Roles } from '@idm/core';
import { DigestService } from './digest.service';
import { CreateSubscriptionDto, SendNotificationDto, UpdateSubscriptionDto } from './dto/subscription.dto';
import { MailOutbox } from './mail-outbox.service';
import { Delivery } from './notification.schema';
import { NotificationsRepository } from './notifications.repository';
import { SubscriptionsService } from './subscriptions.service';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function toDeliveryDto(d: Delivery): DeliveryDto {
  return {
    id: d._id,
    kind: d.kind,
    subscription_id: d.subscription_id,
    requested_by: d.requested_by ?? null,
    recipients: d.recipients,
    subject: d.subject,
    status: d.status,
    attempts: d.attempts,
    last_error: d.last_error,
    created_at: iso(d.created_at) as string,
    sent_at: iso(d.sent_at),
    updated_at: iso(d.updated_at) as string,
  };
}

function bad(field: string, message: string): BadRequestException {
  return new BadRequestException({ message, details: [{ field, rule: 'required', message }] });
}

@ApiTags('notifications')
@ApiBearerAuth('access-token')
@Roles('supervisor')
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly digests: DigestService,
    private readonly outbox: MailOutbox,
    private readonly repo: NotificationsRepository,
  ) {}

  @Get('subscriptions')
  @ApiOperation({ summary: 'Your subscriptions (admins: everyone\'s) (supervisor or above)' })
  list(@CurrentUser() user: AuthUser): Promise<SubscriptionDto[]> {
    return this.subscriptions.list(user);
  }

  @Post('subscriptions')
  @ApiOperation({ summary: 'Subscribe to a digest on a cron schedule in a time zone, and optionally to immediate critical alarms (supervisor or above; admins for others)' })
  @ApiHeader({ name: IDEMPOTENCY_KEY_HEADER, required: false, description: 'a retry with the same key (same user) answers the subscription made by the first request instead of making another' })
  @ApiCreatedResponse({ description: 'the subscription (or the one an earlier request with the same Idempotency-Key made)' })
  @ApiServiceUnavailableResponse({ description: 'Redis (where schedules live) is unreachable: nothing was changed; see Retry-After' })
  create(@Body() body: CreateSubscriptionDto, @CurrentUser() user: AuthUser, @Headers('idempotency-key') key?: string): Promise<SubscriptionDto> {
    return this.subscriptions.create(body, user, idempotentId(key, user.username, 'subscription'));
  }

  @Get('subscriptions/:id')
  @ApiOperation({ summary: 'One subscription with its next run (supervisor or above)' })
  get(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<SubscriptionDto> {
    return this.subscriptions.get(id, user);
  }

  @Patch('subscriptions/:id')
  @ApiOperation({ summary: 'Change a subscription; its schedule follows (supervisor or above)' })
  @ApiOkResponse({ description: 'the subscription as changed, with its next run' })
  @ApiServiceUnavailableResponse({ description: 'Redis (where schedules live) is unreachable: nothing was changed; see Retry-After' })
  update(@Param('id') id: string, @Body() body: UpdateSubscriptionDto, @CurrentUser() user: AuthUser): Promise<SubscriptionDto> {
    return this.subscriptions.update(id, body, user);
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription and its schedule (supervisor or above)' })
  @ApiNoContentResponse({ description: 'deleted, with its schedule' })
  @ApiServiceUnavailableResponse({ description: 'Redis (where schedules live) is unreachable: nothing was changed; see Retry-After' })
  remove(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<void> {
    return this.subscriptions.remove(id, user);
  }

  @Post('send')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a subscription\'s digest now, or a plain message (supervisor or admin)' })
  @ApiAcceptedResponse({ description: 'queued for sending (a digest: built now, mailed by the outbox with retries)' })
  @ApiNotFoundResponse({ description: 'no subscription of yours has this subscription_id' })
  async send(@Body() body: SendNotificationDto, @CurrentUser() user: AuthUser): Promise<SendNotificationResponse> {
    if (body.kind === 'digest') {
      if (!body.subscription_id) throw bad('subscription_id', 'subscription_id is required to send a digest');
      const sub = await this.subscriptions.mustGetOwned(body.subscription_id, user);
      const r = await this.digests.run(sub._id, true, user.username);
      return r.sent ? { delivery_ids: [r.delivery_id] } : { delivery_ids: [], skipped_reason: r.reason };
    }
    if (!body.recipients?.length) throw bad('recipients', 'recipients is required to send a message');
    if (!body.subject) throw bad('subject', 'subject is required to send a message');
    if (!body.text) throw bad('text', 'text is required to send a message');
    const id = await this.outbox.send({ kind: 'message', subscription_id: null, requested_by: user.username, to: body.recipients, subject: body.subject, text: `${body.text}\n\n(sent by ${user.username} from IDM)` });
    return { delivery_ids: [id] };
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first: sent, retrying (with attempts) or failed with the reason (supervisor or above)' })
  @ApiQuery({ name: 'limit', required: false })
  async deliveries(@Query('limit') limit: string | undefined, @CurrentUser() user: AuthUser): Promise<DeliveryDto[]> {
    const n = Math.min(500, Math.max(1, Number(limit) || 100));
    const mine = user.roles.includes('admin') ? undefined : { username: user.username, subscriptionIds: (await this.subscriptions.list(user)).map((s) => s.id) };
    const list = await this.repo.recentDeliveries(n, mine);
    return list.map(toDeliveryDto);
  }

  @Get('deliveries/:id')
  @ApiOperation({ summary: 'One delivery-log entry (supervisor or above)' })
  async delivery(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<DeliveryDto> {
    const d = await this.repo.getDelivery(id);
    const mine = async (x: Delivery) =>
      user.roles.includes('admin') || x.requested_by === user.username || (!!x.subscription_id && (await this.subscriptions.list(user)).some((s) => s.id === x.subscription_id));
    if (!d || !(await mine(d))) throw new NotFoundException({ message: `delivery ${id} not found` });
    return toDeliveryDto(d);
  }
}
