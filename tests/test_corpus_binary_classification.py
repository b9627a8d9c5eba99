"""Answer corpus, lesson 06: the visible check and the grade agree on every answer."""

import pytest

from tests.corpus import Answer, assert_agree

LESSON = "06-binary-classification"
SPLIT = "split_is_stratified"
CLASSIFIER = "classifier_layers_and_sigmoid_output"
COMPILE = "compiled_for_binary_classification"
TRAINING = "trained_with_early_stopping"

SPLIT_ARGUMENTS = "test_size=0.25, stratify=credit['status'], random_state=0"


def split(arguments=SPLIT_ARGUMENTS, parts="credit_train, credit_valid", table="credit"):
    return f"{parts} = train_test_split({table}, {arguments})"


def classifier(hidden="layers.Dense(256, activation='relu')", rate=0.3, first=True,
               output="layers.Dense(1, activation='sigmoid')", order=("norm", "dropout")):
    """A Sequential ``model``: [BatchNormalization], twice hidden + norm + dropout, output."""
    after = {"norm": "layers.BatchNormalization()", "dropout": f"layers.Dropout({rate})"}
    block = ", ".join([hidden] + [after[name] for name in order])
    start = "keras.Input(shape=(X_train.shape[1],))" + (", layers.BatchNormalization()"
                                                        if first else "")
    return (f"model = keras.Sequential([{start}]\n"
            f"    + [layer for _ in range(2) for layer in [{block}]] + [{output}])")


def compiled(arguments):
    return f"model.compile({arguments})"


STOPPING = ("early_stopping = keras.callbacks.EarlyStopping(min_delta=0.001, patience=10, "
            "restore_best_weights=True)\n")
FIT = ("history = model.fit(X_train, y_train, validation_data=(X_valid, y_valid), "
       "batch_size=512, epochs=200, callbacks=[early_stopping], verbose=0)")


def training(stopping=STOPPING, fit=FIT, **replace):
    for old, new in replace.items():
        fit = fit.replace(old, new)
    return stopping + fit


ANSWERS = [
    # 1) a stratified split
    Answer(SPLIT, split(), label="keywords"),
    Answer(SPLIT, split("train_size=0.75, stratify=credit.status, random_state=0"),
           label="train_size"),
    Answer(SPLIT, split("test_size=0.25, stratify=credit['status'] == 'bad', random_state=0"),
           label="stratified on a True/False column"),
    Answer(SPLIT, split("test_size=0.25, stratify=credit['status'].to_numpy(), random_state=0,"
                        " shuffle=True"), label="array"),
    Answer(SPLIT, split(parts="credit_valid, credit_train"), fix="swapped", label="parts swapped"),
    Answer(SPLIT, split("test_size=0.2, stratify=credit['status'], random_state=0"),
           fix="validation split has 647 of the 3231 rows",
           label="a fifth"),
    Answer(SPLIT, split("test_size=0.25, stratify=credit['status'], random_state=42"),
           fix="not the one `random_state=0` gives", label="other seed"),
    Answer(SPLIT, split("test_size=0.25, random_state=0"), fix="not stratified",
           label="not stratified"),
    Answer(SPLIT, split(table="credit.sample(frac=0.5, random_state=0)",
                        arguments="test_size=0.25, random_state=0"),
           fix="every row exactly once", label="half the table"),
    Answer(SPLIT, split(table="credit.drop(columns='status')",
                        arguments="test_size=0.25, stratify=credit['status'], random_state=0"),
           fix="with the `status` column", label="features only"),
    # 2) the classifier
    Answer(CLASSIFIER, classifier(), label="sequential"),
    Answer(CLASSIFIER, "inputs = keras.Input(shape=(X_train.shape[1],))\n"
           "x = layers.BatchNormalization()(inputs)\n"
           "for _ in range(2):\n"
           "    x = layers.Dense(256, activation='relu')(x)\n"
           "    x = layers.BatchNormalization()(x)\n"
           "    x = layers.Dropout(rate=0.3)(x)\n"
           "model = keras.Model(inputs, layers.Dense(1, activation='sigmoid')(x))",
           label="functional"),
    Answer(CLASSIFIER, classifier(hidden="layers.Dense(256), layers.ReLU()",
                                  output="layers.Dense(1), layers.Activation('sigmoid')"),
           label="activation layers"),
    Answer(CLASSIFIER, classifier(hidden="layers.Dense(units=256, activation=keras.activations.relu)",
                                  output="layers.Dense(units=1, activation=keras.activations.sigmoid)"),
           label="activation functions"),
    Answer(CLASSIFIER, classifier(output="layers.Dense(1)"), fix="needs a sigmoid",
           label="linear output"),
    Answer(CLASSIFIER, classifier(output="layers.Dense(2, activation='softmax')"),
           fix="read again how many units", label="two softmax units"),
    Answer(CLASSIFIER, classifier(rate=0.5), fix="drops 0.5", label="rate"),
    Answer(CLASSIFIER, classifier(first=False), fix="Layer 1 of `model` is Dense(256, relu)",
           label="no input normalization"),
    Answer(CLASSIFIER, classifier(order=("dropout", "norm")),
           fix="where the question puts a BatchNormalization layer", label="dropout first"),
    # 3) compile
    Answer(COMPILE, compiled("optimizer='adam', loss='binary_crossentropy', "
                             "metrics=['binary_accuracy']"), label="strings"),
    Answer(COMPILE, compiled("optimizer=keras.optimizers.Adam(learning_rate=0.001), "
                             "loss=keras.losses.BinaryCrossentropy(), "
                             "metrics=[keras.metrics.BinaryAccuracy()]"), label="objects"),
    Answer(COMPILE, compiled("'adam', 'binary_crossentropy', metrics=('accuracy',)"),
           label="positional, 'accuracy' in a tuple"),
    Answer(COMPILE, compiled("'adam', 'binary_crossentropy', ['binary_accuracy']"),
           fix="metrics: none", label="metrics as the third positional (loss_weights)"),
    Answer(COMPILE, compiled("optimizer='adam', loss=keras.losses.binary_crossentropy, "
                             "metrics=[keras.metrics.binary_accuracy, keras.metrics.AUC()]"),
           label="functions, and AUC too"),
    Answer(COMPILE, compiled("optimizer=keras.optimizers.AdamW(), loss='binary_crossentropy', "
                             "metrics=['binary_accuracy']"), fix="the AdamW optimizer", label="AdamW"),
    Answer(COMPILE, compiled("optimizer='sgd', loss='binary_crossentropy', "
                             "metrics=['binary_accuracy']"), fix="the SGD optimizer", label="SGD"),
    Answer(COMPILE, compiled("optimizer='adam', loss='mse', metrics=['binary_accuracy']"),
           fix="mean squared error as its loss", label="mse"),
    Answer(COMPILE, compiled("optimizer='adam', loss=keras.losses.BinaryCrossentropy("
                             "from_logits=True), metrics=['binary_accuracy']"),
           fix="from_logits=True", label="from logits"),
    Answer(COMPILE, compiled("optimizer='adam', loss='binary_crossentropy'"),
           fix="metrics: none", label="no metric"),
    Answer(COMPILE, compiled("optimizer='adam', loss='binary_crossentropy', "
                             "metrics=[keras.metrics.Accuracy()]"),
           fix="exactly equal to the labels", label="Accuracy object"),
    # 4) early stopping and training. Each entry trains the model, so there are few; the
    #    callback's other settings, and validating on the training split (which may run all
    #    200 epochs), are left to tests/test_checks_binary_classification.py.
    Answer(TRAINING, training(), label="keywords"),
    Answer(TRAINING, training(
        stopping="early_stopping = keras.callbacks.EarlyStopping(monitor='val_loss', "
                 "min_delta=1e-3, patience=10, mode='min', restore_best_weights=True)\n",
        fit="history = model.fit(X_train, y_train, 512, 200, 0, [early_stopping], "
            "validation_data=[X_valid, y_valid])"), label="positional, every setting named"),
    Answer(TRAINING, training(stopping=STOPPING.replace("patience=10", "patience=1")),
           fix="`patience` is 1", label="patience"),
    Answer(TRAINING, training(**{"batch_size=512": "batch_size=1024"}),
           fix="batches of 512 take 5", label="batch size"),
    Answer(TRAINING, training(**{"validation_data=(X_valid, y_valid)": "validation_split=0.25"}),
           fix="batches of 512 take 5", label="validation_split"),
    Answer(TRAINING, training(**{"model.fit(X_train, y_train": "model.fit(X_valid, y_valid",
                                 "validation_data=(X_valid, y_valid)":
                                 "validation_data=(X_train, y_train)"}),
           fix="as many as the validation split give", label="splits swapped"),
    Answer(TRAINING, "credit_train, credit_valid = train_test_split(credit, test_size=0.25, "
           "stratify=credit['status'], random_state=1)\n"
           "X_train, X_valid = preprocessor.fit_transform(credit_train), "
           "preprocessor.transform(credit_valid)\n"
           "y_train = (credit_train['status'] == 'bad').astype('float32')\n"
           "y_valid = (credit_valid['status'] == 'bad').astype('float32')\n" + training(),
           label="on the learner's own split (question 1 answered with another seed)"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=str)
def test_check_and_grade_agree(answer):
    assert_agree(LESSON, answer, ANSWERS)
