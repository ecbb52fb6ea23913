import { timestamp } from 'drizzle-orm/pg-core';

/** Every time is stored with its zone and read as a Date. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
