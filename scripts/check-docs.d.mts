// Types for check-docs.mjs, which stays plain JavaScript so `npm run docs` runs without a build.
export interface DocProblem {
  page: string;
  line: number;
  target: string;
  why: string;
}
export declare function docPages(root: string): string[];
export declare function checkDocs(root: string, pages?: string[]): DocProblem[];
