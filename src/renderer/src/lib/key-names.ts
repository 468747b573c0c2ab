import type { KeyDto } from '../../../main/contract/keys';

/** How a key reads in tables: its name, else its redacted label; ids of keys not (yet) listed stay as they are. */
export function keyName(keys: ReadonlyMap<string, KeyDto>, id: string): string {
  const k = keys.get(id);
  if (!k) return id;
  return k.name ?? k.label;
}

export function keyIndex(keys: readonly KeyDto[] | null): Map<string, KeyDto> {
  return new Map((keys ?? []).map((k) => [k.id, k]));
}
