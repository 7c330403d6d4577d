import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { sealJson, unsealJson, type Keyring } from "../domain/credentials";
import { EVENT_RETENTION_MS } from "../domain/events";
import { COLLECTIONS } from "./collections";

/** How long a rotated-out secret still signs deliveries, beside the new one. */
export const PREVIOUS_SECRET_MS = 24 * 3600_000;

const timestamp = z.instanceof(Timestamp);

const endpointSchema = z.object({
  url: z.string(),
  /** Event types delivered; `*` for all. */
  events: z.array(z.string()),
  description: z.string().nullable().optional(),
  enabled: z.boolean(),
  livemode: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp.optional(),
  /** Since when every delivery has failed (null once one succeeds). */
  failingSince: timestamp.nullable().optional(),
  disabledAt: timestamp.nullable().optional(),
  /** `gone`: the receiver answered 410. `failing`: it failed for 5 days. `user`: PATCH enabled=false. */
  disabledReason: z.enum(["gone", "failing", "user"]).nullable().optional(),
  previousSecretExpiresAt: timestamp.nullable().optional(),
});
export type EndpointRecord = z.infer<typeof endpointSchema>;

const sealed = z.object({ keyId: z.string(), iv: z.string(), tag: z.string(), ciphertext: z.string() });
const secretsSchema = z.object({
  userId: z.string(),
  current: sealed,
  previous: sealed.nullable().optional(),
  previousExpiresAt: timestamp.nullable().optional(),
});

const deliverySchema = z.object({
  eventId: z.string(),
  eventType: z.string(),
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
  responseBody: z.string().nullable().optional(),
  nextRetryAt: timestamp.nullable(),
  at: timestamp,
});
export type DeliveryRecord = z.infer<typeof deliverySchema>;

export interface NewEndpoint {
  url: string;
  events: string[];
  description: string | null;
  livemode: boolean;
}

/**
 * Webhook endpoints (`users/{uid}/webhooks/{id}`, readable by their owner: no secret there), their
 * signing secrets (`webhookSecrets/{id}`, sealed with the credentials key, server only) and their
 * delivery attempts (`users/{uid}/webhookDeliveries/{id}`, kept 30 days).
 */
export class WebhookStore {
  constructor(
    private readonly db: Firestore,
    private readonly keyring: () => Keyring,
  ) {}

  ref(userId: string, id: string): DocumentReference {
    return this.db.collection(COLLECTIONS.users).doc(userId).collection(COLLECTIONS.webhooks).doc(id);
  }

  private secretsRef(id: string): DocumentReference {
    return this.db.collection(COLLECTIONS.webhookSecrets).doc(id);
  }

  private seal(userId: string, id: string, secret: string) {
    return sealJson(secret, this.keyring(), `webhook/${userId}/${id}`);
  }

  /** Creates the endpoint and its secret in one commit. */
  async create(userId: string, id: string, endpoint: NewEndpoint, secret: string): Promise<void> {
    const batch = this.db.batch();
    batch.create(this.ref(userId, id), {
      ...endpoint,
      enabled: true,
      createdAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
      failingSince: null,
      disabledAt: null,
      disabledReason: null,
      previousSecretExpiresAt: null,
    });
    batch.create(this.secretsRef(id), { userId, current: this.seal(userId, id, secret), previous: null });
    await batch.commit();
  }

  async get(userId: string, id: string): Promise<EndpointRecord | null> {
    const snap = await this.ref(userId, id).get();
    const parsed = endpointSchema.safeParse(snap.data());
    return snap.exists && parsed.success ? parsed.data : null;
  }

  /** The user's endpoints of one world, oldest first. */
  async list(userId: string, livemode: boolean): Promise<{ id: string; endpoint: EndpointRecord }[]> {
    const snap = await this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.webhooks)
      .where("livemode", "==", livemode)
      .get();
    return snap.docs
      .flatMap((doc) => {
        const parsed = endpointSchema.safeParse(doc.data());
        return parsed.success ? [{ id: doc.id, endpoint: parsed.data }] : [];
      })
      .sort((a, b) => a.endpoint.createdAt.toMillis() - b.endpoint.createdAt.toMillis());
  }

  async count(userId: string): Promise<number> {
    const snap = await this.db.collection(COLLECTIONS.users).doc(userId).collection(COLLECTIONS.webhooks).count().get();
    return snap.data().count;
  }

  /** Changes what a PATCH may change; enabling clears a disabled endpoint's failure record. */
  async update(
    userId: string,
    id: string,
    fields: Partial<Pick<EndpointRecord, "url" | "events" | "description" | "enabled">>,
  ): Promise<void> {
    const enabling = fields.enabled === true ? { failingSince: null, disabledAt: null, disabledReason: null } : {};
    const disabling =
      fields.enabled === false ? { disabledAt: FieldValue.serverTimestamp(), disabledReason: "user" } : {};
    await this.ref(userId, id).update({
      ...fields,
      ...enabling,
      ...disabling,
      updatedAt: FieldValue.serverTimestamp(),
    });
  }

  async delete(userId: string, id: string): Promise<void> {
    const batch = this.db.batch();
    batch.delete(this.ref(userId, id));
    batch.delete(this.secretsRef(id));
    await batch.commit();
  }

  /** The secrets that sign a delivery at `now`: the current one, and the previous one within its 24 h. */
  async signingSecrets(userId: string, id: string, now: Date): Promise<string[]> {
    const parsed = secretsSchema.safeParse((await this.secretsRef(id).get()).data());
    if (!parsed.success || parsed.data.userId !== userId) return [];
    const ad = `webhook/${userId}/${id}`;
    const { current, previous, previousExpiresAt } = parsed.data;
    const secrets = [unsealJson(current, this.keyring(), ad) as string];
    if (previous && previousExpiresAt && previousExpiresAt.toMillis() > now.getTime()) {
      secrets.push(unsealJson(previous, this.keyring(), ad) as string);
    }
    return secrets;
  }

  /** A new current secret; the old one keeps signing for 24 h. Returns when the old one stops. */
  async rotate(userId: string, id: string, secret: string, now: Date): Promise<Date | null> {
    const expires = new Date(now.getTime() + PREVIOUS_SECRET_MS);
    return this.db.runTransaction(async (tx) => {
      const [endpointSnap, secretsSnap] = await Promise.all([
        tx.get(this.ref(userId, id)),
        tx.get(this.secretsRef(id)),
      ]);
      const parsed = secretsSchema.safeParse(secretsSnap.data());
      if (!endpointSnap.exists || !parsed.success || parsed.data.userId !== userId) return null;
      const at = Timestamp.fromDate(expires);
      tx.update(this.secretsRef(id), {
        current: this.seal(userId, id, secret),
        previous: parsed.data.current,
        previousExpiresAt: at,
      });
      tx.update(this.ref(userId, id), { previousSecretExpiresAt: at, updatedAt: FieldValue.serverTimestamp() });
      return expires;
    });
  }

  /** One delivery attempt, as GET /v1/webhooks/{id}/deliveries shows it. */
  async recordAttempt(userId: string, endpointId: string, attempt: DeliveryRecord): Promise<void> {
    const doc = `${endpointId}_${attempt.eventId}_${attempt.attempt}`;
    await this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.webhookDeliveries)
      .doc(doc)
      .set({
        ...attempt,
        endpointId,
        expireAt: Timestamp.fromMillis(attempt.at.toMillis() + EVENT_RETENTION_MS),
      });
  }

  async deliveries(userId: string, endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    const snap = await this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.webhookDeliveries)
      .where("endpointId", "==", endpointId)
      .orderBy("at", "desc")
      .limit(limit)
      .get();
    return snap.docs.flatMap((doc) => {
      const parsed = deliverySchema.safeParse(doc.data());
      return parsed.success ? [parsed.data] : [];
    });
  }

  /**
   * A delivery succeeded: the endpoint is no longer failing. `failing` is what the delivery read:
   * a healthy endpoint is not written at all (deliveries to one endpoint must not contend on it).
   */
  async markHealthy(userId: string, id: string, failing: Timestamp | null | undefined): Promise<void> {
    if (failing) await this.ref(userId, id).update({ failingSince: null });
  }

  /**
   * A delivery failed: starts the endpoint's failing period if none is running, and says since
   * when it has been failing (for the 5-day limit). `failing`: what the delivery read.
   */
  async markFailing(
    userId: string,
    id: string,
    now: Date,
    failing: Timestamp | null | undefined,
  ): Promise<Date | null> {
    // Already failing (as the delivery read it): nothing to write, so failures do not contend.
    if (failing) return failing.toDate();
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.ref(userId, id));
      const parsed = endpointSchema.safeParse(snap.data());
      if (!snap.exists || !parsed.success) return null;
      const since = parsed.data.failingSince;
      if (since) return since.toDate();
      tx.update(this.ref(userId, id), { failingSince: Timestamp.fromDate(now) });
      return now;
    });
  }
}
