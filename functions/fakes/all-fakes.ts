import { FakeFacebook } from "./meta/fake-facebook";
import { FakeInstagram } from "./meta/fake-instagram";
import { FakeThreads } from "./meta/fake-threads";
import { FakeLinkedIn } from "./linkedin/fake-linkedin";
import { FakeSnapchat } from "./snapchat/fake-snapchat";
import { FakeTikTok } from "./tiktok/fake-tiktok";
import { FakeX } from "./x/fake-x";
import { FakeYouTube } from "./youtube/fake-youtube";
import type { FakeOptions } from "./kit/fake-platform";

/** One fake server per platform. */
export function allFakes(options: FakeOptions = {}) {
  return {
    x: new FakeX(options),
    threads: new FakeThreads(options),
    instagram: new FakeInstagram(options),
    facebook: new FakeFacebook(options),
    linkedin: new FakeLinkedIn(options),
    tiktok: new FakeTikTok(options),
    youtube: new FakeYouTube(options),
    snapchat: new FakeSnapchat(options),
  };
}

export type Fakes = ReturnType<typeof allFakes>;
