/**
 * The load side of the slack-ack benchmark, in its own process as Slack's servers are: signs
 * `/metabuyer <text>` slash commands as Slack does and sends `concurrency` at a time, `rounds` times,
 * after a warm-up. Prints one JSON line: for every request, its response_url, when it was sent
 * (wall-clock milliseconds) and how long its ack took.
 * argv: url secret text concurrency rounds team channel user[,user…] response-urls-file (JSON array)
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [url, secret, text, concurrency, rounds, team, channel, users, urlsFile] = process.argv.slice(2);
if (!url || !secret || !text || !concurrency || !rounds || !team || !channel || !users || !urlsFile)
  throw new Error('usage: slack-ack-client url secret text concurrency rounds team channel users urls-file');
const responseUrls = JSON.parse(readFileSync(urlsFile, 'utf8')) as string[];
const userIds = users.split(',');
let n = 0;

interface Sent {
  url: string;
  sentAt: number;
  ackMs: number;
}

async function one(): Promise<Sent> {
  const i = n++;
  const responseUrl = responseUrls[i % responseUrls.length]!;
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: team!,
    team_domain: 'bench',
    channel_id: channel!,
    channel_name: 'bench',
    user_id: userIds[i % userIds.length]!,
    user_name: 'bench',
    command: '/metabuyer',
    text: text!,
    api_app_id: 'A0FAKEAPP1',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: `bench.${i}`,
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', secret!).update(`v0:${ts}:${body}`).digest('hex')}`;
  const started = performance.now();
  const sentAt = performance.timeOrigin + started;
  const res = await fetch(url!, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': sig,
    },
    body,
  });
  await res.text();
  const took = performance.now() - started;
  if (res.status !== 200) throw new Error(`ack failed: ${res.status}`);
  return { url: responseUrl, sentAt, ackMs: took };
}

const burst = (k: number) => Promise.all(Array.from({ length: k }, one));
await burst(Number(concurrency));
const times: Sent[] = [];
for (let r = 0; r < Number(rounds); r++) times.push(...(await burst(Number(concurrency))));
process.stdout.write(`${JSON.stringify(times)}\n`);
