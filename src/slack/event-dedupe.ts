import type { Redis } from 'ioredis';

/**
 * Slack delivers an event again when our answer is slow or lost (X-Slack-Retry-Num); the same
 * event_id must act once. The first delivery claims the id in Redis for a day; later ones are ignored.
 */
export async function firstDelivery(
  redis: Redis,
  eventId: string,
  prefix = 'metabuyer:slack-event:',
): Promise<boolean> {
  const ok = await redis.set(`${prefix}${eventId}`, '1', 'EX', 86_400, 'NX');
  return ok === 'OK';
}
