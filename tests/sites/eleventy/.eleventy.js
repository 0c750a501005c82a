// The site-build test's Eleventy configuration: newsdesk writes static files (the Atom
// feed) under public/, which Eleventy copies to the site's root as they are.
module.exports = function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy({ public: "/" });
};
