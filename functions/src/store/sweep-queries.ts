import { Timestamp, type Firestore } from "firebase-admin/firestore";
import type { SubmissionStatus } from "../domain/submission-status";
import { COLLECTIONS } from "./collections";
import { converters, wellFormed, type SubmissionRecord } from "./records";

export interface Found {
  id: string;
  submission: SubmissionRecord;
}

/** The sweeper's queries; each has its composite index in firestore.indexes.json. */
export class SweepQueries {
  constructor(private readonly db: Firestore) {}

  private submissions() {
    return this.db.collection(COLLECTIONS.postSubmissions).withConverter(converters.submission);
  }

  private static found(snap: FirebaseFirestore.QuerySnapshot<SubmissionRecord>): Found[] {
    return wellFormed(snap).map(({ id, data }) => ({ id, submission: data }));
  }

  /** Scheduled posts that were beyond Cloud Tasks' horizon and now fall within it. */
  async deferredDueBefore(before: Date, limit: number): Promise<Found[]> {
    const snap = await this.submissions()
      .where("status", "==", "scheduled")
      .where("deferred", "==", true)
      .where("scheduledTime", "<=", Timestamp.fromDate(before))
      .orderBy("scheduledTime")
      .limit(limit)
      .get();
    return SweepQueries.found(snap);
  }

  /** Submissions still in `status` although `field` says they should have moved on. */
  async stuck(
    status: SubmissionStatus,
    field: "scheduledTime" | "updatedAt",
    before: Date,
    limit: number,
  ): Promise<Found[]> {
    const snap = await this.submissions()
      .where("status", "==", status)
      .where(field, "<", Timestamp.fromDate(before))
      .orderBy(field)
      .limit(limit)
      .get();
    return SweepQueries.found(snap);
  }
}
