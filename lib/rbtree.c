/*
 * Red-black tree rebalancing (insert fix-up and erase) and traversal for
 * include/ferrite/rbtree.h. Missing children count as black leaves, so a
 * deleted black node leaves a "doubly black" hole that erase_fixup() fills.
 */
#include <ferrite/rbtree.h>

static inline void set_parent(struct rb_node *n, struct rb_node *p)
{
	n->parent_color = (uintptr_t)p | (n->parent_color & 1UL);
}

static inline void set_color(struct rb_node *n, uintptr_t color)
{
	n->parent_color = (n->parent_color & ~1UL) | color;
}

static inline bool is_black(const struct rb_node *n)
{
	return !n || rb_is_black(n);	/* NULL leaves are black */
}

/* Put @new where @old hangs from its parent (or the root). */
static void replace_child(struct rb_node *old, struct rb_node *new,
			  struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

static void rotate_left(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->rb_right, *p = rb_parent(x);

	x->rb_right = y->rb_left;
	if (y->rb_left)
		set_parent(y->rb_left, x);
	set_parent(y, p);
	replace_child(x, y, p, root);
	y->rb_left = x;
	set_parent(x, y);
}

static void rotate_right(struct rb_node *x, struct rb_root *root)
{
	struct rb_node *y = x->rb_left, *p = rb_parent(x);

	x->rb_left = y->rb_right;
	if (y->rb_right)
		set_parent(y->rb_right, x);
	set_parent(y, p);
	replace_child(x, y, p, root);
	y->rb_right = x;
	set_parent(x, y);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent, *gparent, *uncle, *tmp;

	/* Only a red parent breaks the rules; the root is always black. */
	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		gparent = rb_parent(parent);
		if (parent == gparent->rb_left) {
			uncle = gparent->rb_right;
			if (!is_black(uncle)) {
				/* Recolour and push the problem two levels up. */
				set_color(uncle, RB_BLACK);
				set_color(parent, RB_BLACK);
				set_color(gparent, RB_RED);
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				rotate_left(parent, root);
				tmp = parent;
				parent = node;
				node = tmp;
			}
			set_color(parent, RB_BLACK);
			set_color(gparent, RB_RED);
			rotate_right(gparent, root);
		} else {
			uncle = gparent->rb_left;
			if (!is_black(uncle)) {
				set_color(uncle, RB_BLACK);
				set_color(parent, RB_BLACK);
				set_color(gparent, RB_RED);
				node = gparent;
				continue;
			}
			if (node == parent->rb_left) {
				rotate_right(parent, root);
				tmp = parent;
				parent = node;
				node = tmp;
			}
			set_color(parent, RB_BLACK);
			set_color(gparent, RB_RED);
			rotate_left(gparent, root);
		}
	}
	set_color(root->rb_node, RB_BLACK);
}

/*
 * The subtree at @x (possibly NULL) under @parent is one black short.
 * Borrow from the sibling side until the deficit is gone.
 */
static void erase_fixup(struct rb_node *x, struct rb_node *parent,
			struct rb_root *root)
{
	struct rb_node *w;

	while (x != root->rb_node && is_black(x)) {
		if (x == parent->rb_left) {
			/* The sibling exists: its side has a black to spare. */
			w = parent->rb_right;
			if (rb_is_red(w)) {
				set_color(w, RB_BLACK);
				set_color(parent, RB_RED);
				rotate_left(parent, root);
				w = parent->rb_right;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				set_color(w, RB_RED);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (is_black(w->rb_right)) {
				set_color(w->rb_left, RB_BLACK);
				set_color(w, RB_RED);
				rotate_right(w, root);
				w = parent->rb_right;
			}
			set_color(w, parent->parent_color & 1UL);
			set_color(parent, RB_BLACK);
			set_color(w->rb_right, RB_BLACK);
			rotate_left(parent, root);
		} else {
			w = parent->rb_left;
			if (rb_is_red(w)) {
				set_color(w, RB_BLACK);
				set_color(parent, RB_RED);
				rotate_right(parent, root);
				w = parent->rb_left;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				set_color(w, RB_RED);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (is_black(w->rb_left)) {
				set_color(w->rb_right, RB_BLACK);
				set_color(w, RB_RED);
				rotate_left(w, root);
				w = parent->rb_left;
			}
			set_color(w, parent->parent_color & 1UL);
			set_color(parent, RB_BLACK);
			set_color(w->rb_left, RB_BLACK);
			rotate_right(parent, root);
		}
		x = root->rb_node;
		break;
	}
	if (x)
		set_color(x, RB_BLACK);
}

void rb_erase(struct rb_node *z, struct rb_root *root)
{
	struct rb_node *child, *parent, *y;
	uintptr_t removed_color;

	if (!z->rb_left || !z->rb_right) {
		/* At most one child: it takes z's place directly. */
		child = z->rb_left ? z->rb_left : z->rb_right;
		parent = rb_parent(z);
		removed_color = z->parent_color & 1UL;
		replace_child(z, child, parent, root);
		if (child)
			set_parent(child, parent);
	} else {
		/* Two children: z's successor y moves into z's place. */
		y = z->rb_right;
		while (y->rb_left)
			y = y->rb_left;
		removed_color = y->parent_color & 1UL;
		child = y->rb_right;
		if (rb_parent(y) == z) {
			parent = y;
		} else {
			parent = rb_parent(y);
			parent->rb_left = child;
			if (child)
				set_parent(child, parent);
			y->rb_right = z->rb_right;
			set_parent(y->rb_right, y);
		}
		replace_child(z, y, rb_parent(z), root);
		y->parent_color = z->parent_color;	/* z's parent and colour */
		y->rb_left = z->rb_left;
		set_parent(y->rb_left, y);
	}
	if (removed_color == RB_BLACK)
		erase_fixup(child, parent, root);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *p;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	/* Climb until we arrive from a left child. */
	while ((p = rb_parent(node)) && node == p->rb_right)
		node = p;
	return p;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *p;

	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((p = rb_parent(node)) && node == p->rb_left)
		node = p;
	return p;
}
