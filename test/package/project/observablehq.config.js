// A user's own Framework site over datagouv-kit. No web fonts: the built pages ask nothing of the internet.
export default { title: "Paris in figures", root: "src", globalStylesheets: [] };
