import { Deal, Underwriting } from '../../../entities/index.js';
import { UnderwritingKind } from '../../../entities/enums.js';
import { isUniqueViolation, ValidationError } from '../../platform/errors/index.js';
import { analyzeDcf, type DcfInput } from './dcf.js';
import { analyzeFlip, type FlipInput } from './flip.js';
import { analyzeRental, type RentalInput } from './rental.js';
import * as v from '../../platform/validate.js';
import { memoContentFor } from '../memos/memo-content.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

export interface SaveUnderwritingInput {
  kind: UnderwritingKind;
  flip?: FlipInput | null;
  rental?: RentalInput | null;
  dcf?: DcfInput | null;
  notes?: string | null;
  /** The comparable sales behind the numbers (from property.comps), remembered with the version. */
  compIds?: string[] | null;
}

export interface UnderwritingChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** Runs the analysis for a kind; the server always computes outputs itself. */
export function runAnalysis(input: SaveUnderwritingInput): {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
} {
  const given = { FLIP: input.flip, RENTAL: input.rental, DCF: input.dcf }[input.kind];
  const others = Object.entries({ FLIP: input.flip, RENTAL: input.rental, DCF: input.dcf }).filter(
    ([k, x]) => k !== input.kind && x != null,
  );
  if (!given)
    throw new ValidationError(
      `A ${input.kind} underwriting needs input.${input.kind.toLowerCase()}`,
      `input.${input.kind.toLowerCase()}`,
    );
  if (others.length)
    throw new ValidationError(
      `Send only input.${input.kind.toLowerCase()} for a ${input.kind} underwriting`,
      `input.${others[0]![0].toLowerCase()}`,
    );
  const outputs =
    input.kind === UnderwritingKind.FLIP
      ? analyzeFlip(given as FlipInput)
      : input.kind === UnderwritingKind.RENTAL
        ? analyzeRental(given as RentalInput)
        : analyzeDcf(given as DcfInput);
  // Plain JSON both ways, so a stored version reads back exactly as it was computed.
  return { inputs: JSON.parse(JSON.stringify(given)), outputs: JSON.parse(JSON.stringify(outputs)) };
}

/** Versioned analyses of a deal: each save is a new immutable version. */
export class UnderwritingService {
  constructor(private readonly scope: ServiceScope) {}

  async save(dealId: string, input: SaveUnderwritingInput): Promise<Underwriting> {
    const actor = requireActor(this.scope);
    const deal = await findOrNotFound(this.scope.em, Deal, dealId, 'Deal');
    const notes = v.optionalText(input.notes, 'input.notes', 5_000);
    const compIds = [...new Set(input.compIds ?? [])];
    if (compIds.length > 50 || compIds.some((c) => c.length > 100))
      throw new ValidationError('input.compIds takes at most 50 ids', 'input.compIds');
    const { inputs, outputs } = runAnalysis(input);
    const createdAt = new Date();
    // What a memo of this version will print, frozen now: a later stage move or edit never changes it.
    const memo = await memoContentFor(this.scope.em, this.scope.deps, actor.organizationId, deal.id, {
      kind: input.kind,
      version: 0,
      inputs,
      outputs,
      notes,
      compIds,
      createdAt,
    });
    // Two saves racing for the same version number: the unique index decides, the loser retries.
    for (let attempt = 0; attempt < 5; attempt++) {
      const em = this.scope.em.fork();
      const latest = await em.findOne(
        Underwriting,
        { dealId: deal.id },
        { orderBy: { version: 'desc' }, fields: ['version'] },
      );
      const version = (latest?.version ?? 0) + 1;
      const row = em.create(Underwriting, {
        dealId: deal.id,
        version,
        kind: input.kind,
        inputs,
        outputs,
        notes,
        compIds,
        createdById: actor.id,
        createdAt,
        updatedAt: createdAt,
        memoContent: JSON.parse(JSON.stringify({ ...memo, analysis: { ...memo.analysis, version } })),
      });
      try {
        await em.flush();
        return row;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    throw new ValidationError('The deal is being underwritten by someone else right now; try again', 'dealId');
  }

  get(id: string): Promise<Underwriting> {
    return findOrNotFound(this.scope.em, Underwriting, id, 'Underwriting');
  }

  /** Every input and output that differs between two versions, as paths like `outputs.deal.profit`. */
  async compare(aId: string, bId: string): Promise<UnderwritingChange[]> {
    const [a, b] = [await this.get(aId), await this.get(bId)];
    const changes: UnderwritingChange[] = [];
    if (a.kind !== b.kind) changes.push({ path: 'kind', before: a.kind, after: b.kind });
    diff('compIds', a.compIds, b.compIds, changes);
    diff('inputs', a.inputs, b.inputs, changes);
    diff('outputs', a.outputs, b.outputs, changes);
    return changes;
  }
}

function diff(path: string, before: unknown, after: unknown, out: UnderwritingChange[]): void {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(before) && isObj(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort())
      diff(`${path}.${key}`, before[key], after[key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((x, i) => diff(`${path}[${i}]`, x, after[i], out));
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after))
    out.push({ path, before: before ?? null, after: after ?? null });
}
