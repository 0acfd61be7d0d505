/**
 * Values the Python side of a showroom tour computed for it (a date in the user's
 * format, a record name). They come as cookies named ``crm_showroom_tour_<key>``
 * (the ``cookies`` argument of ``HttpCase.start_tour``), so that a step can check
 * the exact value the server is expected to show.
 *
 * @param {string} key
 * @returns {string}
 */
export function tourValue(key) {
    const prefix = `crm_showroom_tour_${key}=`;
    const cookie = document.cookie.split("; ").find((item) => item.startsWith(prefix));
    if (!cookie) {
        throw new Error(`The tour needs the cookie ${prefix}… set by its Python test.`);
    }
    return decodeURIComponent(cookie.slice(prefix.length));
}
