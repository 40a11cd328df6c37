/**
 * Lifts one event type's data from `fromSchemaVersion` to the next version. Chains run in order until the
 * event reaches its newest version, so stored rows are never rewritten.
 */
export interface Upcaster {
  type: string;
  fromSchemaVersion: number;
  upcast(data: unknown): unknown;
}

export class Upcasters {
  private readonly byType = new Map<string, Map<number, Upcaster>>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) {
      const steps = this.byType.get(upcaster.type) ?? new Map<number, Upcaster>();
      if (steps.has(upcaster.fromSchemaVersion)) {
        throw new Error(`Two upcasters for ${upcaster.type} v${upcaster.fromSchemaVersion}`);
      }
      steps.set(upcaster.fromSchemaVersion, upcaster);
      this.byType.set(upcaster.type, steps);
    }
  }

  apply(type: string, schemaVersion: number, data: unknown): { schemaVersion: number; data: unknown } {
    const steps = this.byType.get(type);
    if (!steps) return { schemaVersion, data };
    let version = schemaVersion;
    let current = data;
    for (let step = steps.get(version); step; step = steps.get(version)) {
      current = step.upcast(current);
      version += 1;
    }
    return { schemaVersion: version, data: current };
  }
}
