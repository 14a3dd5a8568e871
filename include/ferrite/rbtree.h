/*
 * Intrusive red-black trees, with the Linux API shape: the caller walks
 * the tree to find the insertion point, links the node with rb_link_node()
 * and rebalances with rb_insert_color(). Used for VMAs and timers.
 * No locking inside: the tree's owner protects it.
 */
#ifndef FERRITE_RBTREE_H
#define FERRITE_RBTREE_H

#include <ferrite/compiler.h>

#define RB_RED		0UL
#define RB_BLACK	1UL

/* The parent pointer and the colour share a word: nodes are 8-aligned. */
struct rb_node {
	uintptr_t parent_color;
	struct rb_node *rb_left;
	struct rb_node *rb_right;
} __aligned(sizeof(long));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT		((struct rb_root){ NULL })
#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) \
	({ __typeof__(ptr) ____p = (ptr); ____p ? rb_entry(____p, type, member) : NULL; })

static inline struct rb_node *rb_parent(const struct rb_node *n)
{
	return (struct rb_node *)(n->parent_color & ~3UL);
}

static inline bool rb_is_black(const struct rb_node *n)
{
	return n->parent_color & RB_BLACK;
}

static inline bool rb_is_red(const struct rb_node *n)
{
	return !rb_is_black(n);
}

static inline bool RB_EMPTY_ROOT(const struct rb_root *root)
{
	return root->rb_node == NULL;
}

/* A node not in any tree points at itself (after RB_CLEAR_NODE). */
static inline void RB_CLEAR_NODE(struct rb_node *n)
{
	n->parent_color = (uintptr_t)n;
}

static inline bool RB_EMPTY_NODE(const struct rb_node *n)
{
	return n->parent_color == (uintptr_t)n;
}

/*
 * Attach @node as a red leaf at *@link (a child pointer of @parent, or
 * &root->rb_node with parent NULL). Follow with rb_insert_color().
 */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->parent_color = (uintptr_t)parent | RB_RED;
	node->rb_left = node->rb_right = NULL;
	*link = node;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);

/* In-order traversal; NULL past either end. O(log n) worst case each. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

#endif
