import path from "node:path";
import { getStorage } from "firebase-admin/storage";
import { defineInt, defineString } from "firebase-functions/params";
import type { MediaDepsOptions } from "./app-deps";
import { CloudMediaStore } from "../media/cloud-media-store";
import { LocalMediaStore } from "../media/local-media-store";
import type { MediaStore } from "../media/media-store";
import { DEFAULT_MAX_PIXELS } from "../domain/media-pixels";
import { MediaProber } from "../media/probe";
import { SAFE_FETCH_DEFAULTS } from "../media/safe-fetch";
import { apiPublicUrl } from "./connect-settings";
import { isDemoProject } from "./project";

const bucket = defineString("MEDIA_BUCKET", {
  default: "",
  description: "Cloud Storage bucket for media (empty: the project's default bucket)",
});
const retentionDays = defineInt("MEDIA_RETENTION_DAYS", {
  default: 90,
  description: "Days media is kept when no pending post uses it",
});
const maxPixels = defineInt("MEDIA_MAX_PIXELS", {
  default: DEFAULT_MAX_PIXELS,
  description:
    "Most pixels an image (every frame of an animation) or a video frame may have; WebP, GIF, progressive JPEG and interlaced PNG, decoded whole, get a quarter",
});
const localDir = defineString("MEDIA_LOCAL_DIR", {
  default: "",
  description: "Emulators only: a directory that stands in for Cloud Storage (the Storage emulator needs Java)",
});
const loopbackOrigins = defineString("MEDIA_LOOPBACK_ORIGINS", {
  default: "",
  description:
    "Emulators only: loopback origins media fetches may reach (comma-separated, e.g. the local media server http://127.0.0.1:9100). Ignored on real projects.",
});

/**
 * Media settings, read when the api first handles media. A local directory and loopback fetches
 * are honoured only on `demo-` projects (the emulators, which can reach nothing real), so no
 * production configuration can turn either on; a demo project with the Storage emulator running
 * uses it instead of the directory.
 */
export function mediaSettings(): MediaDepsOptions {
  const demo = isDemoProject();
  const local = localStore();
  return {
    store: local ?? cloudStore(),
    localFiles: local,
    prober: new MediaProber({ maxPixels: () => maxPixels.value() }),
    fetchOptions: { ...SAFE_FETCH_DEFAULTS, loopbackOrigins: demo ? originsOf(loopbackOrigins.value()) : [] },
    retentionMs: () => retentionDays.value() * 24 * 3600_000,
    maxPixels: () => maxPixels.value(),
  };
}

/** `http://127.0.0.1:9100, …` as origins; anything that is not an http(s) URL's origin is dropped. */
export function originsOf(list: string): string[] {
  return list
    .split(",")
    .map((entry) => {
      try {
        const url = new URL(entry.trim());
        return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
      } catch {
        return null;
      }
    })
    .filter((origin): origin is string => origin !== null);
}

/** The media store alone, for the publishers (which read stored files and fetch nothing). */
export function mediaStore(): MediaStore {
  return localStore() ?? cloudStore();
}

function localStore(): LocalMediaStore | null {
  const dir = isDemoProject() && !process.env.FIREBASE_STORAGE_EMULATOR_HOST ? localDir.value() : "";
  return dir ? new LocalMediaStore(path.resolve(process.cwd(), dir), apiPublicUrl) : null;
}

function cloudStore(): CloudMediaStore {
  return new CloudMediaStore(() => (bucket.value() ? getStorage().bucket(bucket.value()) : getStorage().bucket()));
}
