import { ACCEPTED_MEDIA_TYPES } from "../../../src/domain/media-type";
import { isolatedInput } from "../../../src/media/ffprobe";

const type = (contentType: string) => ACCEPTED_MEDIA_TYPES.find((t) => t.contentType === contentType)!;

describe("ffprobe's input", () => {
  it("is a local file through the file protocol only, its demuxer forced, QuickTime references off", () => {
    expect(isolatedInput("/srv/media/users/u/media/m/abc.mp4", type("video/mp4"))).toEqual([
      "-protocol_whitelist",
      "file",
      "-f",
      "mov",
      "-enable_drefs",
      "0",
      "-use_absolute_path",
      "0",
      "-i",
      "file:/srv/media/users/u/media/m/abc.mp4",
    ]);
  });

  it("is a Cloud Storage URL through https (over tls and tcp) only", () => {
    const url = "https://firebasestorage.googleapis.com/v0/b/b/o/users%2Fu%2Fmedia%2Fm%2Fa.webm?alt=media&token=t";
    expect(isolatedInput(url, type("video/webm"))).toEqual([
      "-protocol_whitelist",
      "https,tls,tcp",
      "-f",
      "matroska",
      "-i",
      url,
    ]);
  });

  it("is the Storage emulator's plain http URL through http and tcp only", () => {
    const args = isolatedInput("http://127.0.0.1:9199/v0/b/b/o/x?alt=media", type("video/quicktime"));
    expect(args.slice(0, 4)).toEqual(["-protocol_whitelist", "http,tcp", "-f", "mov"]);
  });

  it("names a local path that looks like a URL or an option as a file", () => {
    expect(isolatedInput("-weird/concat:a|b.mkv", type("video/x-matroska")).at(-1)).toBe("file:-weird/concat:a|b.mkv");
  });
});
