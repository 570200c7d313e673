/**
 * The CLI's environment, read once: where the API is, the token to send, and where resumable uploads are
 * remembered. Nothing else in the CLI reads the environment.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from './usage.ts';

export interface Settings {
  /** MEDFILES_URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** MEDFILES_TOKEN; without one only public routes answer (the API says 401 otherwise). */
  token?: string;
  /** MEDFILES_STATE_DIR, default `~/.medfiles`. */
  stateDir: string;
}

export function readSettings(env: Record<string, string | undefined>): Settings {
  const baseUrl = env.MEDFILES_URL?.trim();
  if (!baseUrl) throw new UsageError('MEDFILES_URL is not set (the API base URL, e.g. http://127.0.0.1:3000)');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new UsageError('MEDFILES_URL must be an http(s) URL');
  }
  const token = env.MEDFILES_TOKEN?.trim() || undefined;
  const stateDir = env.MEDFILES_STATE_DIR?.trim() ? resolve(env.MEDFILES_STATE_DIR) : join(homedir(), '.medfiles');
  return { baseUrl: baseUrl.replace(/\/+$/, ''), token, stateDir };
}
