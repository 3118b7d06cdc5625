// The simulator's HTTP helpers, where bench/ and older imports look for them.
export * from "../../src/demo/simulator/http.js";
