// The Cloudflare Secrets Store API of a local server, called as a client would. `server` is `{ url, authorization }`.
import { basename } from 'node:path';

const ACCOUNT = 'bench';
export const API = `/client/v4/accounts/${ACCOUNT}/secrets_store`;
// Every secret a benchmark writes holds this value, so that all answers have the same size.
export const VALUE = 'x'.repeat(40);
// Names the script in every seeded secret, e.g. "seeded by bench/server.mjs".
const COMMENT = `seeded by bench/${basename(process.argv[1] ?? 'bench')}`;

/** One request; throws unless the answer is a 2xx JSON envelope with `success: true`. */
export async function call(server, method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: server.authorization, 'content-type': 'application/json' },
    body: payload,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok || json.success !== true) {
    throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
  }
  return { json, text, ms };
}

export async function createStore(server, name) {
  return (await call(server, 'POST', `${API}/stores`, { name })).json.result.id;
}

/** Fills a store through the array create endpoint, `batch` secrets per request; returns each request's time. */
export async function seed(server, storeId, count, batch, prefix) {
  const times = [];
  let firstId;
  for (let done = 0; done < count; done += batch) {
    const size = Math.min(batch, count - done);
    const secrets = Array.from({ length: size }, (_, i) => ({
      name: `${prefix}_${String(done + i).padStart(7, '0')}`,
      value: VALUE,
      scopes: ['workers'],
      comment: COMMENT,
    }));
    const { json, ms } = await call(server, 'POST', `${API}/stores/${storeId}/secrets`, secrets);
    if (json.result.length !== size) throw new Error(`asked for ${size} secrets, got ${json.result.length}`);
    firstId ??= json.result[0].id;
    times.push(ms);
  }
  return { times, firstId };
}

export async function secretCount(server, storeId) {
  return (await call(server, 'GET', `${API}/stores/${storeId}/secrets?per_page=1`)).json.result_info.total_count;
}
