import {
  FieldPath,
  FieldValue,
  Timestamp,
  type DocumentData,
  type DocumentReference,
  type Firestore,
  type Transaction,
} from "firebase-admin/firestore";
import { z } from "zod";
import {
  EVENT_RETENTION_MS,
  EVENT_TYPES,
  EVENT_VERSION,
  eventId,
  type EventEnvelope,
  type EventType,
  type NewEvent,
} from "../domain/events";
import { logs } from "../logs";
import { COLLECTIONS } from "./collections";

const eventSchema = z.object({
  userId: z.string().min(1),
  type: z.enum(EVENT_TYPES),
  version: z.number().int(),
  livemode: z.boolean(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.instanceof(Timestamp),
  relayed: z.boolean().optional(),
});
export type EventRecord = z.infer<typeof eventSchema>;

/** An event as written: enough to find it again. */
export interface EventRef {
  userId: string;
  eventId: string;
}

/** Hands events to delivery once their commit is done (tasks/dispatch.ts's relayEvent). */
export type EventRelay = (events: readonly EventRef[]) => Promise<void>;

/** Anything that can take a set() in a commit: a transaction or a batch. */
interface Writes {
  set(ref: DocumentReference, data: DocumentData): unknown;
}

/** The place in the feed after an event: its commit time and id (opaque to callers). */
export interface FeedCursor {
  seconds: number;
  nanoseconds: number;
  id: string;
}

export function encodeCursor(c: FeedCursor): string {
  return Buffer.from(JSON.stringify([c.seconds, c.nanoseconds, c.id])).toString("base64url");
}

/** Null when the text is not a cursor this API gave out. */
export function decodeCursor(text: string): FeedCursor | null {
  try {
    const parsed = z
      .tuple([
        z.number().int().min(0),
        z.number().int().min(0).max(999_999_999),
        z.string().regex(/^evt_[0-9a-f]{32}$/),
      ])
      .safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    if (!parsed.success) return null;
    const [seconds, nanoseconds, id] = parsed.data;
    return { seconds, nanoseconds, id };
  } catch {
    return null;
  }
}

export function envelopeOf(id: string, event: EventRecord): EventEnvelope {
  return {
    id,
    type: event.type,
    timestamp: event.createdAt.toDate().toISOString(),
    version: event.version,
    livemode: event.livemode,
    data: event.data,
  };
}

/**
 * The outbox: `users/{uid}/events/{eventId}`. An event is written by the same commit as its change
 * (`write`), so neither exists without the other; `createdAt` is that commit's time. It is then
 * handed to delivery after the commit (`relay`, best effort); `relayed` stays false until the
 * relay task has fanned it out, so the sweeper finds any the relay missed.
 */
export class EventStore {
  constructor(
    private readonly db: Firestore,
    private readonly relayer?: EventRelay,
  ) {}

  ref(userId: string, id: string): DocumentReference {
    return this.db.collection(COLLECTIONS.users).doc(userId).collection(COLLECTIONS.events).doc(id);
  }

  /**
   * Writes the event in `commit`. A set, not a create: the id is the change's, so writing it again
   * (a retried commit) rewrites the same event, and never fails the change it reports.
   */
  write(commit: Writes, event: NewEvent, relayed = false): EventRef {
    const id = eventId(event.userId, event.change);
    commit.set(this.ref(event.userId, id), {
      userId: event.userId,
      type: event.type,
      version: EVENT_VERSION,
      livemode: event.livemode,
      data: event.data,
      createdAt: FieldValue.serverTimestamp(),
      expireAt: Timestamp.fromMillis(Date.now() + EVENT_RETENTION_MS),
      relayed,
    });
    return { userId: event.userId, eventId: id };
  }

  /**
   * Runs `work` in a transaction whose events (`record`) are relayed once it has committed. Only
   * the last attempt's events count: a transaction retried on contention runs `work` again.
   *
   * `world`: the user and world (live or test) the events are for. The transaction then reads
   * whether that world has any webhook endpoint; when it has none, its events are written already
   * relayed and no relay task is made: there is nothing to fan out to, and the relay's task and
   * mark would be a task and a write per event for nothing. The read is in the transaction, so an
   * endpoint registered concurrently either commits first (the events are relayed to it) or after
   * (it takes only later events), as a relay would have decided it.
   */
  async transaction<T>(
    work: (tx: Transaction, record: (event: NewEvent) => void) => Promise<T>,
    world?: { userId: string; livemode: boolean },
  ): Promise<T> {
    let written: EventRef[] = [];
    const result = await this.db.runTransaction(async (tx) => {
      written = [];
      const quiet = world ? (await tx.get(this.endpointsOf(world.userId, world.livemode).limit(1))).empty : false;
      return work(tx, (event) => {
        const unheard = quiet && event.userId === world?.userId && event.livemode === world.livemode;
        const ref = this.write(tx, event, unheard);
        if (!unheard) written.push(ref);
      });
    });
    await this.relay(written);
    return result;
  }

  /** A user's webhook endpoints of one world, enabled or not (store/webhook-store.ts owns them). */
  private endpointsOf(userId: string, livemode: boolean) {
    return this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.webhooks)
      .where("livemode", "==", livemode);
  }

  /** An event that is a change of its own (a test event): written, then relayed. */
  async record(event: NewEvent): Promise<EventRef> {
    const batch = this.db.batch();
    const ref = this.write(batch, event);
    await batch.commit();
    await this.relay([ref]);
    return ref;
  }

  /** Best effort: a relay that fails is the sweeper's to redo, never the change's failure. */
  async relay(events: readonly EventRef[]): Promise<void> {
    if (events.length === 0 || !this.relayer) return;
    try {
      await this.relayer(events);
    } catch (error) {
      logs.eventRelayFailed(
        events.map((e) => e.eventId),
        error,
      );
    }
  }

  async get(userId: string, id: string): Promise<EventRecord | null> {
    const snap = await this.ref(userId, id).get();
    const parsed = eventSchema.safeParse(snap.data());
    return snap.exists && parsed.success ? parsed.data : null;
  }

  async markRelayed(userId: string, id: string): Promise<void> {
    await this.ref(userId, id).update({ relayed: true });
  }

  /**
   * A page of the user's events of one world, oldest first, after `cursor`. Ordered by commit time
   * then id; see docs/api.md "Events" for why a cursor never skips an event committed concurrently.
   */
  async feed(
    userId: string,
    livemode: boolean,
    options: { after: FeedCursor | null; type: EventType | null; limit: number },
  ): Promise<{ id: string; event: EventRecord }[]> {
    let query = this.db
      .collection(COLLECTIONS.users)
      .doc(userId)
      .collection(COLLECTIONS.events)
      .where("livemode", "==", livemode);
    if (options.type) query = query.where("type", "==", options.type);
    query = query.orderBy("createdAt").orderBy(FieldPath.documentId());
    if (options.after) {
      const { seconds, nanoseconds, id } = options.after;
      query = query.startAfter(new Timestamp(seconds, nanoseconds), id);
    }
    const snap = await query.limit(options.limit).get();
    return snap.docs.flatMap((doc) => {
      const parsed = eventSchema.safeParse(doc.data());
      return parsed.success ? [{ id: doc.id, event: parsed.data }] : [];
    });
  }

  /** Events whose relay has not run and that are older than `before`, across users (collection group). */
  async unrelayed(before: Date, limit: number): Promise<EventRef[]> {
    const snap = await this.db
      .collectionGroup(COLLECTIONS.events)
      .where("relayed", "==", false)
      .where("createdAt", "<", Timestamp.fromDate(before))
      .orderBy("createdAt")
      .limit(limit)
      .get();
    return snap.docs.flatMap((doc) => {
      const userId = doc.get("userId") as unknown;
      return typeof userId === "string" ? [{ userId, eventId: doc.id }] : [];
    });
  }
}
