// Side by side when they overlap: each record gets a lane, and each run of overlapping records
// shares its number of lanes.

export function lanes(records) {
  const sorted = [...records].sort((one, other) => one.from - other.from || other.to - one.to);
  const placed = [];
  let run = [];
  let runEnd = -Infinity;
  let laneEnds = [];
  const closeRun = () => {
    for (const record of run) record.lanes = laneEnds.length;
    placed.push(...run);
    run = [];
    laneEnds = [];
  };
  for (const record of sorted) {
    if (record.from >= runEnd) closeRun();
    let lane = laneEnds.findIndex((end) => end <= record.from);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = record.to;
    runEnd = Math.max(runEnd, record.to);
    run.push({ ...record, lane });
  }
  closeRun();
  return placed;
}
