import { readFileSync } from "node:fs";
import path from "node:path";
import { sniffMediaType } from "../../../src/domain/media-type";

const fixture = (name: string) => readFileSync(path.join(__dirname, "..", "..", "fixtures", "media", name));

describe("media type sniffing", () => {
  it.each([
    ["clip.mp4", "video/mp4"],
    ["clip.mov", "video/quicktime"],
    ["clip.webm", "video/webm"],
    ["clip.mkv", "video/x-matroska"],
  ])("recognises %s as %s from its bytes", (name, type) => {
    expect(sniffMediaType(fixture(name).subarray(0, 4096))?.contentType).toBe(type);
  });

  it.each([
    ["JPEG", Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0, 0]), "image/jpeg"],
    ["PNG", Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), "image/png"],
    ["GIF89a", Buffer.from("GIF89a\x01\x00", "latin1"), "image/gif"],
    ["WebP", Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 ", "latin1"), "image/webp"],
  ])("recognises %s", (_n, bytes, type) => {
    expect(sniffMediaType(bytes)?.contentType).toBe(type);
  });

  it.each([
    ["HTML", Buffer.from("<!doctype html><html>")],
    ["PDF", Buffer.from("%PDF-1.7")],
    ["SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["an M4A audio brand", Buffer.from("00000020667479704d344120", "hex")],
    ["a RIFF that is WAV", Buffer.from("RIFF\x10\x00\x00\x00WAVEfmt ", "latin1")],
    ["empty", Buffer.alloc(0)],
    ["a truncated JPEG signature", Buffer.from([0xff, 0xd8])],
  ])("refuses %s", (_n, bytes) => {
    expect(sniffMediaType(bytes)).toBeNull();
  });
});
