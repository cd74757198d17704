// Describes an application's status view for the list, detail and proof pages: amounts, signers
// and the actions the borrower may take now. Pure functions, so Node tests load them directly.

const { PROOF_STATES, formatMoney, formatTime, stateLabel, stateTone } = require('./format');

const SIGNABLE_STATES = ['documents_ready', 'signing'];
const WITHDRAWABLE_STATES = ['draft', 'documents_ready', 'signing', 'signed', 'submitted', 'platform_checked'];

const MORTGAGE_TYPE_LABELS = { general: '一般抵押', maximum: '最高额抵押' };
const SIGNER_ROLE_LABELS = { mortgagor: '抵押人', mortgagee: '抵押权人' };

// Returns the mortgagors who still have to sign, by name.
function unsignedMortgagors(status) {
  return (status.signers || [])
    .filter((signer) => signer.role === 'mortgagor' && !signer.signed)
    .map((signer) => signer.name);
}

// Returns the signers that the platform marks with `is_caller`. The platform matches the logged-in borrower
// by ID number, not by name, so two co-owners with the same name stay apart.
function callerSigners(status) {
  return (status.signers || []).filter((signer) => signer.is_caller === true);
}

// Describes the signers for the detail page, marking `callers`, the borrower's own entries.
function signerViews(status, callers) {
  return (status.signers || []).map((signer, index) => ({
    key: signer.id || `${signer.role}-${index}`,
    name: signer.name,
    roleLabel: SIGNER_ROLE_LABELS[signer.role] || signer.role,
    signed: Boolean(signer.signed),
    signedAt: formatTime(signer.signed_at),
    isCaller: callers.includes(signer),
  }));
}

// Describes an application for the list and detail pages, with the actions the borrower may take now.
function applicationView(status) {
  const unsigned = unsignedMortgagors(status);
  const amount = status.mortgage_type === 'maximum' ? status.max_secured_amount : status.secured_amount;
  const mine = callerSigners(status);
  const mineUnsigned = mine.filter((signer) => !signer.signed);
  return {
    id: status.id,
    applicationNo: status.application_no,
    institutionName: status.institution_name || '',
    unitNo: status.unit_no,
    location: status.location || '',
    state: status.state,
    stateLabel: stateLabel(status.state, status.state_label),
    tone: stateTone(status.state),
    isCancellation: status.kind === 'cancellation',
    mortgageType: MORTGAGE_TYPE_LABELS[status.mortgage_type] || '',
    amountLabel: status.mortgage_type === 'maximum' ? '最高债权额' : '被担保主债权数额',
    amount: formatMoney(amount),
    debtTerm: status.debt_start && status.debt_end ? `${status.debt_start} 至 ${status.debt_end}` : '',
    proofNo: status.proof_no || '',
    unsigned,
    signers: signerViews(status, mine),
    callerSignerId: mine.length > 0 ? mine[0].id : '',
    callerSigned: mine.length > 0 && mineUnsigned.length === 0,
    canSign: SIGNABLE_STATES.includes(status.state) && mineUnsigned.length > 0,
    canSubmit: status.state === 'signed',
    canWithdraw: WITHDRAWABLE_STATES.includes(status.state),
    hasProof: PROOF_STATES.includes(status.state) && Boolean(status.proof_no),
    findings: (status.findings || []).map((finding) => finding.message).filter(Boolean),
  };
}

module.exports = { unsignedMortgagors, callerSigners, signerViews, applicationView };
