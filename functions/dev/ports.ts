import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";

export interface NeededPort {
  port: number;
  /** What the stack runs there, for the message. */
  what: string;
}

export interface PortHolder {
  pid: number;
  /** Its process group: killing the group also ends what it started (emulator workers). */
  pgid: number | null;
  command: string;
}

export interface BusyPort extends NeededPort {
  holder: PortHolder | null;
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Linux: the socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp*. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is fields[1] (ADDR:PORT in hex), st fields[3] (0A = LISTEN), inode fields[9].
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A" && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

function procHolder(port: number): PortHolder | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return describe(Number(entry));
    }
  }
  return null;
}

function describe(pid: number): PortHolder {
  const read = (file: string) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, "utf8");
    } catch {
      return "";
    }
  };
  // stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so split after the last ")".
  const stat = read("stat");
  const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  return {
    pid,
    pgid: Number.isInteger(pgid) && pgid > 0 ? pgid : null,
    command: read("cmdline").split("\0").filter(Boolean).join(" "),
  };
}

/** Elsewhere (macOS): lsof, when it is there. */
function lsofHolder(port: number): PortHolder | null {
  try {
    const out = execFileSync("lsof", ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-Fp"], { encoding: "utf8" });
    const pid = Number(/^p(\d+)$/m.exec(out)?.[1]);
    if (!pid) return null;
    const command = execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" }).trim();
    const pgid = Number(execFileSync("ps", ["-o", "pgid=", "-p", String(pid)], { encoding: "utf8" }).trim());
    return { pid, pgid: pgid || null, command };
  } catch {
    return null;
  }
}

/** Which of `ports` something already listens on, and what, when this machine can tell. */
export async function busyPorts(ports: NeededPort[], host = "127.0.0.1"): Promise<BusyPort[]> {
  const busy: BusyPort[] = [];
  for (const needed of ports) {
    if (await canListen(needed.port, host)) continue;
    const holder = existsSync("/proc/net/tcp") ? procHolder(needed.port) : lsofHolder(needed.port);
    busy.push({ ...needed, holder });
  }
  return busy;
}

const shorten = (command: string, max = 110) => (command.length > max ? `${command.slice(0, max - 1)}…` : command);

/** What to tell someone whose `npm start` found its ports taken: which, by what, and how to free them. */
export function busyPortsMessage(busy: BusyPort[]): string {
  const lines = busy.map((b) => {
    const who = b.holder ? `pid ${b.holder.pid}: ${shorten(b.holder.command)}` : "a process this machine does not show";
    return `  ${String(b.port).padEnd(5)} ${b.what.padEnd(22)} held by ${who}`;
  });
  const earlier = busy.some((b) => /firebase.*emulators|dev\/stack|fakes\/serve/.test(b.holder?.command ?? ""));
  const groups = [...new Set(busy.flatMap((b) => (b.holder ? [b.holder.pgid ?? -b.holder.pid] : [])))];
  const kill = groups.map((g) => (g > 0 ? `kill -TERM -- -${g}` : `kill -TERM ${-g}`));
  return [
    "Ports the local stack needs are in use:",
    ...lines,
    earlier
      ? "An earlier local stack is still running (or was left behind). Stop it with Ctrl-C in its terminal, or:"
      : "Stop what holds them, for instance with:",
    ...(kill.length
      ? kill.map((k) => `  ${k}`)
      : ["  lsof -nP -iTCP -sTCP:LISTEN   (to find the process), then kill it"]),
    "then run npm start again.",
  ].join("\n");
}
