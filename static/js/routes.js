// routes.js -- every screen: its address, who may open it, and whether it
// is a menu entry. The menus of a role are the entries its roles allow, so
// a role never sees a menu it cannot use; an address it may not open says
// so plainly (main.js). Later screens (sealed proposals, receipts, audit
// verification, exports) are further rows here.
import { dashboard } from './views/dashboard.js';
import { programsList, programNew, programPage, programEdit } from './views/programs.js';
import { ordersList, orderNew, orderPage, orderEdit } from './views/orders.js';
import { deliveriesList, deliveryPage } from './views/deliveries.js';
import { assetsList, assetPage } from './views/assets.js';
import { sitesList, siteNew, sitePage, siteEdit, rackEdit } from './views/sites.js';
import { allocationsList, allocationNew, allocationPage, myGpus } from './views/allocations.js';
import { orgsList, orgNew, orgPage, usersList, userNew, userPage, modelsList, modelPage } from './views/admin.js';
import { callsList, callPage, register } from './views/calls.js';
import { home } from './views/home.js';
import { verifyReceiptPage } from './views/proposals.js';
import { callNew, callEdit, proposalRead, applicantsList } from './views/callstaff.js';
import { evaluationPage } from './views/evaluation.js';
import { orgKeysPage } from './views/orgkeys.js';
import { exportsPage, publicProgress } from './views/exports.js';
import { secondFactorPage } from './views/secondfactor.js';
import { auditPage } from './views/audit.js';

export const STAFF = ['admin', 'officer', 'auditor'];
const WRITERS = ['admin', 'officer'];
const ALL = ['admin', 'officer', 'auditor', 'vendor', 'tenant'];

// A menu's tile says what the person can do there: a tenant only reads
// the calls' timetables (briefing, letter and guidelines are for staff
// and companies).
const callsAbout = (can) => (can(['admin', 'officer', 'auditor', 'vendor']) ? 'nav.calls.about' : 'nav.calls.aboutTenant');

export const ROUTES = [
  { pattern: '/', view: home, roles: ALL },
  { pattern: '/register', view: register, public: true },
  { pattern: '/dashboard', view: dashboard, roles: STAFF, menu: 'nav.dashboard' },
  { pattern: '/programs', view: programsList, roles: STAFF, menu: 'nav.programs' },
  { pattern: '/programs/new', view: programNew, roles: WRITERS },
  { pattern: '/programs/:id', view: programPage, roles: STAFF },
  { pattern: '/programs/:id/edit', view: programEdit, roles: WRITERS },
  { pattern: '/orders', view: ordersList, roles: [...STAFF, 'vendor'], menu: 'nav.orders' },
  { pattern: '/orders/new', view: orderNew, roles: WRITERS },
  { pattern: '/orders/:id', view: orderPage, roles: [...STAFF, 'vendor'] },
  { pattern: '/orders/:id/edit', view: orderEdit, roles: WRITERS },
  { pattern: '/deliveries', view: deliveriesList, roles: [...STAFF, 'vendor'], menu: 'nav.deliveries' },
  { pattern: '/deliveries/:id', view: deliveryPage, roles: [...STAFF, 'vendor'] },
  { pattern: '/assets', view: assetsList, roles: STAFF, menu: 'nav.assets' },
  { pattern: '/assets/:id', view: assetPage, roles: STAFF },
  { pattern: '/sites', view: sitesList, roles: STAFF, menu: 'nav.sites' },
  { pattern: '/sites/new', view: siteNew, roles: WRITERS },
  { pattern: '/sites/:id', view: sitePage, roles: STAFF },
  { pattern: '/sites/:id/edit', view: siteEdit, roles: WRITERS },
  { pattern: '/sites/:id/racks/:rack_id/edit', view: rackEdit, roles: WRITERS },
  { pattern: '/allocations', view: allocationsList, roles: STAFF, menu: 'nav.allocations' },
  { pattern: '/allocations/new', view: allocationNew, roles: WRITERS },
  { pattern: '/allocations/:id', view: allocationPage, roles: [...STAFF, 'tenant'] },
  { pattern: '/my-gpus', view: myGpus, roles: ['tenant'], menu: 'nav.myGpus' },
  { pattern: '/calls', view: callsList, roles: ALL, menu: 'nav.calls', about: callsAbout },
  { pattern: '/calls/new', view: callNew, roles: WRITERS },
  { pattern: '/calls/:id', view: callPage, roles: ALL },
  { pattern: '/calls/:id/edit', view: callEdit, roles: WRITERS },
  { pattern: '/calls/:id/evaluation', view: evaluationPage, roles: STAFF },
  { pattern: '/calls/:id/proposals/:sid', view: proposalRead, roles: [...STAFF, 'vendor'] },
  { pattern: '/applicants', view: applicantsList, roles: STAFF, menu: 'nav.applicants' },
  { pattern: '/receipts/verify', view: verifyReceiptPage, public: true },
  { pattern: '/exports', view: exportsPage, roles: STAFF, menu: 'nav.exports' },
  { pattern: '/audit', view: auditPage, roles: ['admin', 'auditor'], menu: 'nav.audit' },
  { pattern: '/progress', view: publicProgress, public: true },
  { pattern: '/organizations', view: orgsList, roles: ['admin'], menu: 'nav.orgs' },
  { pattern: '/organizations/new', view: orgNew, roles: ['admin'] },
  { pattern: '/organizations/:id', view: orgPage, roles: STAFF },
  { pattern: '/users', view: usersList, roles: ['admin', 'auditor'], menu: 'nav.users' },
  { pattern: '/users/new', view: userNew, roles: ['admin'] },
  { pattern: '/users/:id', view: userPage, roles: ['admin', 'auditor'] },
  { pattern: '/gpu-models', view: modelsList, roles: ['admin'], menu: 'nav.models' },
  { pattern: '/gpu-models/:id', view: modelPage, roles: ['admin'] },
  { pattern: '/organization-keys', view: orgKeysPage, roles: ['vendor'], menu: 'nav.orgKeys' },
  { pattern: '/account/second-factor', view: secondFactorPage, roles: ALL, menu: 'nav.secondFactor' },
];
