import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';

/** The request header a client sends so that a retried POST is answered, not done twice. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The id of what a POST creates, derived from its `Idempotency-Key` (undefined without one): the same key
 * of the same `owner` names the same job or subscription, so a client that retries after a timeout or a
 * 503 finds the first one instead of making a second. A UUID-shaped hash, so it fits where random UUIDs go.
 */
export function idempotentId(key: string | undefined, owner: string, kind: string): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new BadRequestException({
      message: `${IDEMPOTENCY_KEY_HEADER} must be 1 to 200 visible ASCII characters`,
      details: [{ field: IDEMPOTENCY_KEY_HEADER, rule: 'pattern', message: 'must be 1 to 200 visible ASCII characters' }],
    });
  }
  const h = createHash('sha256').update(`${kind}\0${owner}\0${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
