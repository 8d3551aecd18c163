// `npm run bench -- --only endurance`: the sample profile's endurance test, run in the opt-in
// "bench" profile on the production build when SP_BENCH_CASE is "endurance"; its numbers go to
// SP_BENCH_OUTPUT. Nothing is registered otherwise.
if (process.env.SP_BENCH_CASE === 'endurance') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../sample/endurance.test');
}
