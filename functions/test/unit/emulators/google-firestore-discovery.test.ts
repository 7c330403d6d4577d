/**
 * Which Google Firestore emulator `npm test` can start, and the one line it prints when it cannot.
 */
import { chooseEmulator, parseJavaMajor, type EmulatorJar } from "../../../dev/google-firestore-emulator";

const sdk: EmulatorJar = { source: "Cloud SDK", jar: "/sdk/cloud-firestore-emulator.jar", minJava: 11 };
const firebase: EmulatorJar = {
  source: "firebase-tools",
  jar: "/cache/cloud-firestore-emulator-v1.22.0.jar",
  minJava: 21,
};

describe("parseJavaMajor", () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "25-ea" 2025-09-16', 25],
  ])("reads %s as Java %i", (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });

  it("gives null for output that is not a Java version", () => {
    expect(parseJavaMajor("bash: java: command not found")).toBeNull();
  });
});

describe("chooseEmulator", () => {
  it("runs the Cloud SDK component on Java 17", () => {
    expect(chooseEmulator({ bin: "java", major: 17 }, [sdk, firebase])).toEqual({
      found: true,
      java: { bin: "java", major: 17 },
      jar: sdk,
    });
  });

  it("runs firebase-tools' jar only on Java 21+", () => {
    expect(chooseEmulator({ bin: "java", major: 21 }, [firebase])).toMatchObject({ found: true, jar: firebase });
    expect(chooseEmulator({ bin: "java", major: 17 }, [firebase])).toEqual({
      found: false,
      missing: "firebase-tools' emulator needs Java 21+, found Java 17",
    });
  });

  it("names what is missing: Java, the emulator, or both", () => {
    expect(chooseEmulator(null, [sdk])).toEqual({
      found: false,
      missing: "no Java ($JAVA, $JAVA_HOME/bin/java or java on PATH)",
    });
    const neither = chooseEmulator(null, []);
    expect(neither.found).toBe(false);
    expect(!neither.found && neither.missing).toMatch(
      /^no Java .*; no Firestore emulator \(.*cloud-firestore-emulator/,
    );
    expect(chooseEmulator({ bin: "java", major: 17 }, [])).toMatchObject({ missing: /^no Firestore emulator/ });
  });
});
