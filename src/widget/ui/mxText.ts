/**
 * The language of text that comes from MX as it is (credential and challenge labels, option labels, institution
 * instructions, `connection_status_message`): English. Marked with `lang` so a screen reader speaking the widget's
 * Spanish or French switches voice for it instead of reading English words with Spanish rules (issue 12 §6).
 */
export const MX_TEXT_LANG = 'en';
