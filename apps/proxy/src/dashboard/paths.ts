/**
 * The dashboard's routes (relative to the app's prefix). The page and its assets hold no data and
 * are served without the API key (the page asks for it); the event stream checks it itself.
 * @module
 */
export const DASHBOARD_PATH = "/dashboard";
export const DASHBOARD_ASSETS = "/dashboard/assets/";
export const DASHBOARD_EVENTS = "/dashboard/events";
export const DASHBOARD_TOKEN = "/dashboard/token";

export function isPublicDashboardPath(path: string): boolean {
  return (
    path === DASHBOARD_PATH ||
    path === `${DASHBOARD_PATH}/` ||
    path === DASHBOARD_EVENTS ||
    path.startsWith(DASHBOARD_ASSETS)
  );
}
