// What a function declares about itself (`./bootstrap --info`), read from
// the JSON it prints or from an object.
import * as fs from 'fs';

export interface SlsrtPermission {
  readonly actions: string[];
  readonly resources: string[];
}

export interface SlsrtFunctionInfo {
  readonly name?: string;
  readonly memory?: number;
  /** Seconds. */
  readonly timeout?: number;
  readonly architecture?: 'arm64' | 'x86_64';
  readonly eventSources?: string[];
  /** Variables the function needs (names), or defaults (name: value). */
  readonly environment?: string[] | Record<string, string>;
  readonly permissions?: SlsrtPermission[];
}

export function readInfo(info: string | SlsrtFunctionInfo): SlsrtFunctionInfo {
  if (typeof info !== 'string') return info;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(info, 'utf8'));
  } catch (e) {
    throw new Error(`slsrt: cannot read the function's --info JSON from ${info}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`slsrt: ${info} does not hold the JSON object \`./bootstrap --info\` prints`);
  }
  const checked = parsed as SlsrtFunctionInfo;
  for (const p of checked.permissions ?? []) {
    if (!Array.isArray(p.actions) || !Array.isArray(p.resources)) {
      throw new Error(`slsrt: ${info}: each permission needs "actions" and "resources" arrays`);
    }
  }
  return checked;
}
