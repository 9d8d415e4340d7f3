// Package learn trains the two classifiers veil's report uses to measure
// machine-learning utility (train on synthetic or anonymized rows, test on
// real ones): a multinomial logistic regression with an L2 penalty, fitted
// with gonum's L-BFGS, and a depth-limited CART decision tree. It also scores
// predictions (accuracy, macro F1, ROC AUC).
//
// Features are the columns of a [Table]: numeric columns are imputed with the
// training mean and standardized with the training mean and standard
// deviation; categorical columns are one-hot encoded over the categories seen
// in training (an unseen category activates no feature), with a missing value
// as a category of its own. Classes are weighted so that each class carries
// the same total weight ("balanced", as SDMetrics' ML efficacy metrics do),
// so that a majority-class predictor does not look good.
//
// Everything is deterministic: no randomness is used, ties are broken by
// feature and category order.
//
//	enc := learn.NewEncoder(train)
//	m, err := learn.FitLogistic(enc, train, labels, nil)
//	p := m.PredictProba(enc, test)
//	s := learn.Score(testLabels, m.Classes(), p, "")
package learn
