import { FakeFacebook } from "./meta/fake-facebook";
import { FakeInstagram } from "./meta/fake-instagram";
import { FakeThreads } from "./meta/fake-threads";
import { FakeLinkedIn } from "./linkedin/fake-linkedin";
import { FakeSnapchat } from "./snapchat/fake-snapchat";
import { FakeTikTok } from "./tiktok/fake-tiktok";
import { FakeX } from "./x/fake-x";
import { FakeYouTube } from "./youtube/fake-youtube";

/** One fake server per platform. */
export function allFakes() {
  return {
    x: new FakeX(),
    threads: new FakeThreads(),
    instagram: new FakeInstagram(),
    facebook: new FakeFacebook(),
    linkedin: new FakeLinkedIn(),
    tiktok: new FakeTikTok(),
    youtube: new FakeYouTube(),
    snapchat: new FakeSnapchat(),
  };
}

export type Fakes = ReturnType<typeof allFakes>;
