/** Nested config → flat keys joined with dots (`model.lr`), as MLflow params and W&B sweeps flatten them. */
export type FlatValue = string | number | boolean | null;

export function flattenConfig(config: Readonly<Record<string, unknown>>, prefix = ''): Record<string, FlatValue> {
  const out: Record<string, FlatValue> = {};
  for (const key of Object.keys(config).sort()) {
    const v = config[key];
    const k = prefix === '' ? key : `${prefix}.${key}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenConfig(v as Record<string, unknown>, k));
    else if (v === undefined) continue;
    else if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else out[k] = JSON.stringify(v);
  }
  return out;
}

/** A flat value as the text a string-valued store keeps (MLflow params and tags). */
export function flatText(v: FlatValue): string {
  return v === null ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
}
