import type { CreateSubscriptionRequest, SendNotificationResponse, SubscriptionDto } from '@idm/contracts';
import { api } from '../../../lib/api';

const BASE = '/notifications/subscriptions';

export async function listSubscriptions(): Promise<SubscriptionDto[]> {
  const { data } = await api.get<SubscriptionDto[] | { items: SubscriptionDto[] }>(BASE);
  return Array.isArray(data) ? data : data.items;
}

export async function createSubscription(body: CreateSubscriptionRequest): Promise<SubscriptionDto> {
  const { data } = await api.post<SubscriptionDto>(BASE, body);
  return data;
}

export async function setSubscriptionEnabled(id: string, enabled: boolean): Promise<SubscriptionDto> {
  const { data } = await api.patch<SubscriptionDto>(`${BASE}/${encodeURIComponent(id)}`, { enabled });
  return data;
}

export async function deleteSubscription(id: string): Promise<void> {
  await api.delete(`${BASE}/${encodeURIComponent(id)}`);
}

/** Sends a subscription's digest now (covering everything since its last one); its schedule is unchanged. */
export async function sendDigestNow(id: string): Promise<SendNotificationResponse> {
  const { data } = await api.post<SendNotificationResponse>('/notifications/send', { kind: 'digest', subscription_id: id });
  return data;
}
