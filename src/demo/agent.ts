// The demo's agent: short canned answers that quote what it was asked, so that a conversation reads plausibly.
import { type AgentScript, firstWords } from "./simulator/lifecycle.js";

type Answer = (topic: string) => string;

/** Answers to a task's prompt. */
const FIRST_ANSWERS: Answer[] = [
  (t) => `Done: "${t}". I changed 3 files and added a test for it; the whole suite passes (142 tests).`,
  (t) => `Finished "${t}". I read the code around it, made the change in one commit and ran the tests: all green.`,
  (t) => `"${t}" is done. Two files changed, one new test; lint and type-check are clean. Want a pull request?`,
];

/** Answers to a message sent to a working task. */
const REPLIES: Answer[] = [
  (t) => `Sure: "${t}" is done. I ran the tests again and they still pass.`,
  (t) => `Done with "${t}". One more file changed; the diff is on the task's branch.`,
  (t) => `Good idea. "${t}": added, with a test that failed before the change and passes now.`,
];

/** The same text always gets the same answer. */
function pick(answers: Answer[], text: string): Answer {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return answers[hash % answers.length] ?? ((t) => `Done: ${t}`);
}

export const DEMO_AGENT: AgentScript = {
  working: (text, first) => `${first ? "Reading the code for" : "Working on"}: ${firstWords(text)}`,
  answer(text, first) {
    const topic = firstWords(text, 8);
    return {
      output: pick(first ? FIRST_ANSWERS : REPLIES, text)(topic),
      message: `Done: ${firstWords(text)}`,
    };
  },
};
