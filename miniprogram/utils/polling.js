// The application states that the pipeline leaves by itself. A status page keeps polling while in one of them.

const MOVING_STATES = ['submitted', 'platform_checked', 'accepted', 'reviewed', 'registered', 'proof_issued'];

function isMoving(state) {
  return MOVING_STATES.includes(state);
}

module.exports = { MOVING_STATES, isMoving };
