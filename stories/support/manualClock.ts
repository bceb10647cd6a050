/** A clock that moves only when told to: the sandbox derives every member state from it, so a story can stop time. */
export interface ManualClock {
  now: () => number;
  advance: (ms: number) => void;
  reset: () => void;
}

export function createManualClock(start = Date.UTC(2026, 0, 15, 12)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    reset: () => {
      current = start;
    },
  };
}
