import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import type { KeyMode } from "../domain/api-key";
import type { Owner } from "../domain/owner";
import { templateDefinitionSchema, type TemplateDefinition } from "../domain/template-model";
import { COLLECTIONS } from "./collections";
import { converter, recordOf, wellFormed } from "./records";

const templateSchema = z.object({
  slug: z.string(),
  mode: z.enum(["live", "test"]),
  definition: templateDefinitionSchema,
  createdAt: z.instanceof(Timestamp),
  updatedAt: z.instanceof(Timestamp),
});
export type TemplateRecord = z.output<typeof templateSchema>;
const templateConverter = converter(templateSchema, "template");

export type CreateOutcome = "created" | "exists" | "limit";

/**
 * A user's own templates: `users/{uid}/templates/{mode}:{slug}` (readable by their owner: a
 * definition holds no secret). Each key mode has its own (domain/owner.ts): a test key, the one
 * more likely to leak, can neither read nor change what renders live. The document id carries the
 * mode, so the same slug may exist in both worlds; `:` is not a slug character, so ids never collide.
 */
export class TemplateStore {
  constructor(private readonly db: Firestore) {}

  private collection(userId: string) {
    return this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.templates)
      .withConverter(templateConverter);
  }

  private ref(owner: Owner, slug: string) {
    return this.collection(owner.userId).doc(templateDocId(owner.mode, slug));
  }

  async get(owner: Owner, slug: string): Promise<TemplateRecord | null> {
    return recordOf(await this.ref(owner, slug).get()) ?? null;
  }

  /** The owner's templates of its world, by slug. */
  async list(owner: Owner): Promise<TemplateRecord[]> {
    const snap = await this.collection(owner.userId).where("mode", "==", owner.mode).get();
    return wellFormed(snap)
      .map((f) => f.data)
      .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }

  /**
   * Creates the template unless its slug is taken in the owner's world or the user already has
   * `limit` templates (both worlds together); decided in one transaction, so racing creates of
   * the same slug make one template and never pass the limit.
   */
  async create(owner: Owner, definition: TemplateDefinition, now: Date, limit: number): Promise<CreateOutcome> {
    const ref = this.ref(owner, definition.slug);
    const all = this.collection(owner.userId).count();
    return this.db.runTransaction(async (tx) => {
      const [existing, counted] = await Promise.all([tx.get(ref), tx.get(all)]);
      if (existing.exists) return "exists";
      if (counted.data().count >= limit) return "limit";
      const at = Timestamp.fromDate(now);
      tx.create(ref.withConverter(null), {
        slug: definition.slug,
        mode: owner.mode,
        definition,
        createdAt: at,
        updatedAt: at,
      });
      return "created";
    });
  }

  /**
   * Replaces the definition with what `change` makes of the stored one (a merge patch, checked by
   * the caller); null when there is none. Read and written in one transaction: two PATCHes of
   * different fields both apply.
   */
  async update(
    owner: Owner,
    slug: string,
    change: (current: TemplateDefinition) => TemplateDefinition,
    now: Date,
  ): Promise<TemplateRecord | null> {
    const ref = this.ref(owner, slug);
    return this.db.runTransaction(async (tx) => {
      const current = recordOf(await tx.get(ref));
      if (!current) return null;
      const next: TemplateRecord = {
        ...current,
        definition: change(current.definition),
        updatedAt: Timestamp.fromDate(now),
      };
      tx.set(ref.withConverter(null), next);
      return next;
    });
  }

  /** Whether there was one to delete. */
  async delete(owner: Owner, slug: string): Promise<boolean> {
    const ref = this.ref(owner, slug);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref.withConverter(null));
      if (!snap.exists) return false;
      tx.delete(ref);
      return true;
    });
  }
}

export function templateDocId(mode: KeyMode, slug: string): string {
  return `${mode}:${slug}`;
}
